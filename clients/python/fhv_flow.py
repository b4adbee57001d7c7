#!/usr/bin/python3
"""Example client of the fhv suite in Python (grpcio): runs the core flow.

An agency or municipality can copy this file to start its own integration. It shows:
  * a channel (plaintext, or TLS with --ca) and the `authorization: Bearer <token>` metadata;
  * paging with page_size / next_page_token;
  * idempotent creates with a client-chosen request_id, and a retry of one;
  * etags: a verb with the current etag, and what a stale etag gets (ABORTED);
  * how to decode the google.rpc.Status that the servers put in the `grpc-status-details-bin`
    trailer: ErrorInfo (reason, domain, metadata) and BadRequest (field violations).

The flow prints ids, states and error codes only: never a personnummer or a name.

It doubles as a test: it exits 0 when every step gave what it should, 1 (with a message
saying which step and why) when something did not, and 2 on a usage error.

Stubs: generate them from the repo's protos with clients/python/generate OUTDIR and pass
--stubs OUTDIR (or put OUTDIR on PYTHONPATH). Needs grpcio and protobuf (Debian:
python3-grpcio, python3-protobuf).

Usage:
  FHV_TOKEN=... fhv_flow.py --stubs DIR --recruitment HOST:PORT --placement HOST:PORT
  fhv_flow.py --stubs DIR --token-file FILE --recruitment HOST:PORT --placement HOST:PORT [--ca FILE]
"""

import argparse
import datetime
import os
import random
import sys
import uuid

try:
    import grpc
except ImportError:
    print("fhv_flow.py: cannot import grpc: install grpcio (Debian: python3-grpcio, python3-protobuf)",
          file=sys.stderr)
    sys.exit(2)

# The caller's municipality (kommunkod): the organisation of the token.
DEFAULT_MUNICIPALITY = "2418"
# The trailer in which the servers send the full google.rpc.Status.
STATUS_DETAILS_KEY = "grpc-status-details-bin"

_rng = random.SystemRandom()


class FlowFailure(Exception):
    """A step did not give what it should. `rpc_error` is the gRPC error behind it, if any."""

    def __init__(self, message, rpc_error=None):
        super().__init__(message)
        self.rpc_error = rpc_error


class UsageError(Exception):
    pass


# --- Arguments, token, stubs ------------------------------------------------------------------


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Runs the fhv core flow (recruitment and placement) against a running suite.")
    p.add_argument("--recruitment", required=True, metavar="HOST:PORT",
                   help="address of the recruitment service")
    p.add_argument("--placement", required=True, metavar="HOST:PORT",
                   help="address of the placement service")
    p.add_argument("--token-file", metavar="FILE",
                   help="file holding the bearer token (default: the environment variable FHV_TOKEN)")
    p.add_argument("--ca", metavar="FILE",
                   help="PEM file of the CA that signed the servers' certificates: use TLS "
                        "(default: plaintext)")
    p.add_argument("--stubs", metavar="DIR",
                   help="directory of the stubs made by clients/python/generate (default: PYTHONPATH)")
    p.add_argument("--municipality", default=DEFAULT_MUNICIPALITY, metavar="KOMMUNKOD",
                   help="the caller's municipality, the token's organisation (default: %(default)s)")
    p.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                   help="deadline of each call (default: %(default)s)")
    return p.parse_args(argv)


def read_token(args):
    if args.token_file:
        try:
            with open(args.token_file, encoding="utf-8") as f:
                token = f.read().strip()
        except OSError as e:
            raise UsageError(f"cannot read the token file {args.token_file}: {e.strerror}")
        if not token:
            raise UsageError(f"the token file {args.token_file} is empty")
        return token
    token = os.environ.get("FHV_TOKEN", "").strip()
    if not token:
        raise UsageError("no token: set the environment variable FHV_TOKEN or pass --token-file FILE")
    return token


def import_stubs(stubs_dir):
    """Imports the generated modules; returns them in a namespace."""
    if stubs_dir:
        if not os.path.isdir(os.path.join(stubs_dir, "fhv")):
            raise UsageError(f"no generated stubs in {stubs_dir}: run clients/python/generate {stubs_dir}")
        sys.path.insert(0, os.path.abspath(stubs_dir))
    try:
        from fhv.common.v1 import types_pb2
        from fhv.placement.v1 import placement_service_pb2, placement_service_pb2_grpc
        from fhv.recruitment.v1 import recruitment_service_pb2, recruitment_service_pb2_grpc
        from google.rpc import error_details_pb2, status_pb2
    except ImportError as e:
        raise UsageError(
            f"cannot import the generated stubs ({e}): run clients/python/generate DIR and pass "
            "--stubs DIR (the stubs need python3-protobuf)")

    class Stubs:
        pass

    s = Stubs()
    s.types = types_pb2
    s.rec = recruitment_service_pb2
    s.rec_grpc = recruitment_service_pb2_grpc
    s.pla = placement_service_pb2
    s.pla_grpc = placement_service_pb2_grpc
    s.status = status_pb2
    s.details = error_details_pb2
    return s


# --- Errors: google.rpc.Status from the trailer -----------------------------------------------


def decode_status(err, pb):
    """The google.rpc.Status of a failed call, from its grpc-status-details-bin trailer.

    Returns (status, error_info, bad_request); each is None when absent. (The grpcio-status
    package has rpc_status.from_call for this; it is not in Debian, and the decoding is short.)
    """
    status = None
    for key, value in err.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            status = pb.status.Status.FromString(value)
            break
    if status is None:
        return None, None, None
    error_info = bad_request = None
    for any_detail in status.details:
        if any_detail.Is(pb.details.ErrorInfo.DESCRIPTOR):
            error_info = pb.details.ErrorInfo()
            any_detail.Unpack(error_info)
        elif any_detail.Is(pb.details.BadRequest.DESCRIPTOR):
            bad_request = pb.details.BadRequest()
            any_detail.Unpack(bad_request)
    return status, error_info, bad_request


def describe_error(err, pb):
    """Readable lines for a failed call: code, message, reason and each field violation."""
    lines = [f"code: {err.code().name}", f"message: {err.details()}"]
    status, info, bad = decode_status(err, pb)
    if status is None:
        lines.append(f"(no google.rpc.Status in the {STATUS_DETAILS_KEY} trailer)")
        return lines
    if status.code != err.code().value[0]:
        lines.append(f"(the Status in the trailer says code {status.code})")
    if info is not None:
        meta = ", ".join(f"{k}={v}" for k, v in sorted(info.metadata.items()))
        lines.append(f"reason: {info.reason} (domain: {info.domain or '-'}"
                     + (f"; metadata: {meta}" if meta else "") + ")")
    if bad is not None:
        for v in bad.field_violations:
            lines.append(f"field violation: {v.field}: {v.description}")
    known = {"type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.BadRequest"}
    for d in status.details:
        if d.type_url not in known:
            lines.append(f"(other detail: {d.type_url})")
    return lines


# --- Test data (fictitious; never printed) ----------------------------------------------------


def luhn_check_digit(nine_digits):
    """The check digit of a personnummer, over its 10-digit form without the check digit."""
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def make_personnummer(birth, serial):
    """A valid 12-digit personnummer (YYYYMMDDNNNC) for a birth date and a serial 0..999."""
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


def random_day(first, last):
    return first + datetime.timedelta(days=_rng.randint(0, (last - first).days))


def random_adult_personnummer():
    # A random birth date and serial, so that reruns against the same database do not
    # meet the applicant of an earlier run.
    birth = random_day(datetime.date(1950, 1, 1), datetime.date(1995, 12, 31))
    return make_personnummer(birth, _rng.randint(0, 999))


def with_wrong_check_digit(personnummer):
    return personnummer[:-1] + str((int(personnummer[-1]) + 1) % 10)


def new_interest(pb, personnummer, municipality):
    i = pb.rec.Interest(
        source=pb.rec.INTEREST_SOURCE_E_SERVICE,
        home=pb.rec.HomeDescription(housing_type=pb.rec.HOUSING_TYPE_HOUSE, rooms_for_child=1),
        languages=["sv"],
        wanted_assignments=[pb.types.ASSIGNMENT_KIND_FAMILJEHEM],
        wanted_municipalities=[municipality],
        note="Registered by the fhv example client (Python).",
    )
    adult = i.adults.add()
    adult.name.given_name = "Exempel"
    adult.name.family_name = "Flödesson"
    adult.personnummer = personnummer
    adult.contact.email = f"flow-{uuid.uuid4().hex[:12]}@example.se"
    return i


def date_msg(pb, d):
    return pb.types.Date(year=d.year, month=d.month, day=d.day)


# --- The flow -----------------------------------------------------------------------------------


class Flow:
    def __init__(self, pb, recruitment, placement, token, timeout):
        self.pb = pb
        self.rec = recruitment
        self.pla = placement
        self.metadata = (("authorization", f"Bearer {token}"),)
        self.timeout = timeout

    def step(self, n, text):
        print(f"[{n}] {text}", flush=True)

    def detail(self, lines):
        for line in lines:
            print(f"      {line}", flush=True)

    def call(self, what, method, request):
        """Calls and returns the response; any error fails the flow."""
        try:
            return method(request, metadata=self.metadata, timeout=self.timeout)
        except grpc.RpcError as e:
            raise FlowFailure(f"{what} failed", e)

    def call_expecting_error(self, what, method, request, code):
        """Calls expecting the error `code`; returns the error."""
        try:
            method(request, metadata=self.metadata, timeout=self.timeout)
        except grpc.RpcError as e:
            if e.code() != code:
                raise FlowFailure(f"{what}: expected {code.name}, got {e.code().name}", e)
            return e
        raise FlowFailure(f"{what}: expected {code.name}, but the call succeeded")

    def run(self, municipality):
        pb = self.pb

        # 1. Organisations, two per page until next_page_token is empty.
        req = pb.rec.ListOrganisationsRequest(page_size=2)
        orgs, pages = [], 0
        while True:
            resp = self.call("ListOrganisations", self.rec.ListOrganisations, req)
            pages += 1
            if len(resp.organisations) > 2:
                raise FlowFailure(f"ListOrganisations returned {len(resp.organisations)} "
                                  "organisations for page_size=2")
            orgs.extend(o.ref.id for o in resp.organisations)
            if not resp.next_page_token:
                break
            if pages >= 1000:
                raise FlowFailure("ListOrganisations: still a next_page_token after 1000 pages")
            req.page_token = resp.next_page_token
        if len(set(orgs)) != len(orgs):
            raise FlowFailure("ListOrganisations returned an organisation twice across pages")
        if municipality not in orgs:
            raise FlowFailure(f"ListOrganisations did not list the caller's municipality {municipality}")
        self.step(1, f"ListOrganisations: {len(orgs)} organisations in {pages} pages (page_size=2)")

        # 2. A new interest, and the identical request again (a retry after e.g. a timeout).
        for _attempt in range(5):
            personnummer = random_adult_personnummer()
            submit = pb.rec.SubmitInterestRequest(
                request_id=str(uuid.uuid4()), interest=new_interest(pb, personnummer, municipality))
            first = self.call("SubmitInterest", self.rec.SubmitInterest, submit)
            # An adult of an earlier run's open applicant (rare): take another personnummer.
            if not first.existing_applicant:
                break
            self.step(2, "SubmitInterest joined an open applicant of an earlier run; trying another adult")
        else:
            raise FlowFailure("SubmitInterest: five random personnummer all joined an existing applicant")
        interest_id = first.interest.id
        applicant_id = first.interest.applicant_id
        if not interest_id or not applicant_id:
            raise FlowFailure("SubmitInterest: the response has no interest id or applicant id")
        if first.interest.receiving_organisation.id != municipality:
            raise FlowFailure(f"SubmitInterest: received by {first.interest.receiving_organisation.id!r}, "
                              f"expected the caller's municipality {municipality}")
        self.step(2, f"SubmitInterest: interest {interest_id}, new applicant {applicant_id}")
        again = self.call("SubmitInterest (retry)", self.rec.SubmitInterest, submit)
        if (again.interest.id, again.interest.applicant_id, again.existing_applicant) != (
                interest_id, applicant_id, first.existing_applicant):
            raise FlowFailure(
                f"SubmitInterest retry with the same request_id gave interest {again.interest.id} / "
                f"applicant {again.interest.applicant_id}, expected {interest_id} / {applicant_id}")
        self.step(2, "SubmitInterest again with the same request_id: the same interest and applicant")

        # 3. The new applicant.
        applicant = self.call("GetApplicant", self.rec.GetApplicant,
                              pb.rec.GetApplicantRequest(id=applicant_id)).applicant
        state = pb.rec.ApplicantState.Name(applicant.state)
        if applicant.state != pb.rec.APPLICANT_STATE_NEW:
            raise FlowFailure(f"GetApplicant: state {state}, expected APPLICANT_STATE_NEW")
        if interest_id not in applicant.interest_ids:
            raise FlowFailure(f"GetApplicant: interest {interest_id} is not among the applicant's interests")
        if not applicant.etag:
            raise FlowFailure("GetApplicant: the applicant has no etag")
        old_etag = applicant.etag
        self.step(3, f"GetApplicant: {applicant_id} state {state}, etag {old_etag}")

        # 4. A verb with the current etag, then the same verb with the now stale etag.
        contacted = self.call(
            "MarkApplicantContacted", self.rec.MarkApplicantContacted,
            pb.rec.MarkApplicantContactedRequest(id=applicant_id, etag=old_etag)).applicant
        state = pb.rec.ApplicantState.Name(contacted.state)
        if contacted.state != pb.rec.APPLICANT_STATE_CONTACTED:
            raise FlowFailure(f"MarkApplicantContacted: state {state}, expected APPLICANT_STATE_CONTACTED")
        if contacted.etag == old_etag:
            raise FlowFailure("MarkApplicantContacted: the etag did not change")
        self.step(4, f"MarkApplicantContacted: state {state}, etag {old_etag} -> {contacted.etag}")
        err = self.call_expecting_error(
            "MarkApplicantContacted with a stale etag", self.rec.MarkApplicantContacted,
            pb.rec.MarkApplicantContactedRequest(id=applicant_id, etag=old_etag),
            grpc.StatusCode.ABORTED)
        self.step(4, "MarkApplicantContacted with the stale etag: ABORTED, as expected")
        self.detail(describe_error(err, pb))

        # 5. Bad input: every violation is named in google.rpc.BadRequest.
        bad = pb.rec.SubmitInterestRequest(
            request_id=str(uuid.uuid4()),
            interest=new_interest(pb, with_wrong_check_digit(random_adult_personnummer()), municipality))
        err = self.call_expecting_error("SubmitInterest with an invalid personnummer",
                                        self.rec.SubmitInterest, bad, grpc.StatusCode.INVALID_ARGUMENT)
        self.step(5, "SubmitInterest with an invalid personnummer: INVALID_ARGUMENT, as expected")
        self.detail(describe_error(err, pb))
        _, _, bad_request = decode_status(err, pb)
        fields = [v.field for v in bad_request.field_violations] if bad_request else []
        if not any(f.endswith("personnummer") for f in fields):
            raise FlowFailure("SubmitInterest with an invalid personnummer: no field violation names "
                              f"the personnummer (fields: {fields or 'none'})", err)

        # 6. Find the applicant among the CONTACTED ones, one per page.
        req = pb.rec.ListApplicantsRequest(page_size=1, state=pb.rec.APPLICANT_STATE_CONTACTED)
        pages, found = 0, False
        while not found:
            resp = self.call("ListApplicants", self.rec.ListApplicants, req)
            pages += 1
            if len(resp.applicants) > 1:
                raise FlowFailure(f"ListApplicants returned {len(resp.applicants)} applicants for page_size=1")
            for a in resp.applicants:
                if a.state != pb.rec.APPLICANT_STATE_CONTACTED:
                    raise FlowFailure(f"ListApplicants(state=CONTACTED) returned an applicant in state "
                                      f"{pb.rec.ApplicantState.Name(a.state)}")
                found |= a.id == applicant_id
            if found:
                break
            if not resp.next_page_token:
                raise FlowFailure(f"ListApplicants: applicant {applicant_id} not found in {pages} pages")
            if pages >= 1000:
                raise FlowFailure(f"ListApplicants: applicant {applicant_id} not found in the first 1000 pages")
            req.page_token = resp.next_page_token
        self.step(6, f"ListApplicants(state=CONTACTED, page_size=1): found {applicant_id} after {pages} page(s)")

        # 7. A placement request to the municipality's own foster-home team, and a read of it.
        today = datetime.date.today()
        birth = random_day(today - datetime.timedelta(days=16 * 365), today - datetime.timedelta(days=2 * 365))
        create = pb.pla.CreatePlacementRequestRequest(
            request_id=str(uuid.uuid4()),
            addressee=pb.types.OrganisationRef(id=municipality,
                                               kind=pb.types.ORGANISATION_KIND_MUNICIPALITY),
            child=pb.pla.ChildDetails(
                personnummer=make_personnummer(birth, _rng.randint(0, 999)),
                name=pb.types.PersonName(given_name="Exempel", family_name="Barnsson"),
                birth_date=date_msg(pb, birth),
                needs_tags=["trauma"],
                languages=["sv"],
                school_municipality_id=municipality,
                description="Test request from the fhv example client (Python).",
            ),
            legal_basis=pb.pla.LEGAL_BASIS_VOLUNTARY,
            urgency=pb.pla.PLACEMENT_URGENCY_PLANNED,
            form=pb.pla.PLACEMENT_FORM_FAMILJEHEM,
            # A week ahead: never "in the past" whatever the time zone.
            wanted_start_date=date_msg(pb, today + datetime.timedelta(days=7)),
        )
        created = self.call("CreatePlacementRequest", self.pla.CreatePlacementRequest,
                            create).placement_request
        request_id = created.placement_request_id
        if not request_id:
            raise FlowFailure("CreatePlacementRequest: the response has no placement_request_id")
        retry = self.call("CreatePlacementRequest (retry)", self.pla.CreatePlacementRequest,
                          create).placement_request
        if retry.placement_request_id != request_id:
            raise FlowFailure(f"CreatePlacementRequest retry with the same request_id gave "
                              f"{retry.placement_request_id}, expected {request_id}")
        self.step(7, f"CreatePlacementRequest: {request_id} "
                     f"{pb.pla.PlacementRequestState.Name(created.state)} (retry: the same request)")
        got = self.call("GetPlacementRequest", self.pla.GetPlacementRequest,
                        pb.pla.GetPlacementRequestRequest(placement_request_id=request_id)).placement_request
        state = pb.pla.PlacementRequestState.Name(got.state)
        if got.state != pb.pla.PLACEMENT_REQUEST_STATE_SUBMITTED:
            raise FlowFailure(f"GetPlacementRequest: state {state}, expected PLACEMENT_REQUEST_STATE_SUBMITTED")
        if got.municipality_id != municipality:
            raise FlowFailure(f"GetPlacementRequest: owned by {got.municipality_id!r}, expected {municipality}")
        self.step(7, f"GetPlacementRequest: {request_id} state {state}, child id {got.child.child_id}")


def make_channel(address, ca_pem):
    if ca_pem is None:
        return grpc.insecure_channel(address)
    return grpc.secure_channel(address, grpc.ssl_channel_credentials(root_certificates=ca_pem))


def main(argv):
    args = parse_args(argv)
    try:
        token = read_token(args)
        pb = import_stubs(args.stubs)
        ca_pem = None
        if args.ca:
            try:
                with open(args.ca, "rb") as f:
                    ca_pem = f.read()
            except OSError as e:
                raise UsageError(f"cannot read the CA file {args.ca}: {e.strerror}")
    except UsageError as e:
        print(f"fhv_flow.py: {e}", file=sys.stderr)
        return 2

    print(f"fhv core flow (Python): recruitment {args.recruitment}, placement {args.placement}, "
          f"{'TLS' if ca_pem else 'plaintext'}", flush=True)
    with make_channel(args.recruitment, ca_pem) as rec_channel, \
            make_channel(args.placement, ca_pem) as pla_channel:
        flow = Flow(pb, pb.rec_grpc.RecruitmentServiceStub(rec_channel),
                    pb.pla_grpc.PlacementServiceStub(pla_channel), token, args.timeout)
        try:
            flow.run(args.municipality)
        except FlowFailure as e:
            print(f"FAIL: {e}", file=sys.stderr)
            if e.rpc_error is not None:
                for line in describe_error(e.rpc_error, pb):
                    print(f"      {line}", file=sys.stderr)
            return 1
    print("PASS: the core flow (Python) completed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
