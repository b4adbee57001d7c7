#include "services/recruitment/src/grpc/recruitment_handlers.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/auth/policy.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "fhv/recruitment/v1/events.pb.h"
#include "services/recruitment/src/domain/interest.h"
#include "services/recruitment/src/domain/organisation.h"
#include "services/recruitment/src/storage/interest_store.h"
#include "services/recruitment/src/storage/organisation_store.h"

namespace fhv::recruitment {
namespace {

constexpr char kInterest[] = "interest";

// INVALID_ARGUMENT naming each wanted municipality (under `municipalities_field`) or
// region that is not known.
absl::Status CheckPlacesExist(db::Connection& conn, const v1::Interest& interest,
                              const std::string& municipalities_field) {
  const std::vector<std::string> municipalities(interest.wanted_municipalities().begin(),
                                                interest.wanted_municipalities().end());
  const std::vector<std::string> regions(interest.wanted_regions().begin(),
                                         interest.wanted_regions().end());
  auto unknown_m = OrganisationStore::UnknownMunicipalities(conn, municipalities);
  if (!unknown_m.ok()) return unknown_m.status();
  auto unknown_r = OrganisationStore::UnknownRegions(conn, regions);
  if (!unknown_r.ok()) return unknown_r.status();
  Violations v;
  for (int i : *unknown_m) {
    v.Add(absl::StrCat(municipalities_field, "[", i, "]"), "is not a known municipality");
  }
  for (int i : *unknown_r) {
    v.Add(absl::StrCat("interest.wanted_regions[", i, "]"), "is not a known region");
  }
  return v.ToStatus();
}

// Registers a validated interest: its places must be known; audits it and announces a
// new applicant.
absl::StatusOr<RegisteredInterest> Register(server::CallContext& call, db::Connection& conn,
                                            const ValidInterest& valid,
                                            const std::string& municipalities_field) {
  if (auto st = CheckPlacesExist(conn, valid.interest, municipalities_field); !st.ok()) return st;
  auto registered = InterestStore::Register(conn, valid, call.principal(), call.now());
  if (!registered.ok()) return registered.status();
  call.Audit(kInterest, registered->interest.id());
  call.Audit("applicant", registered->interest.applicant_id());
  if (!registered->existing_applicant) {
    v1::ApplicantRegisteredEvent event;
    event.set_applicant_id(registered->interest.applicant_id());
    event.set_interest_id(registered->interest.id());
    *event.mutable_organisation() = registered->interest.receiving_organisation();
    *event.mutable_wanted_assignments() = registered->interest.wanted_assignments();
    call.Emit("applicant", registered->interest.applicant_id(), event);
  }
  return registered;
}

}  // namespace

grpc::ServerUnaryReactor* RecruitmentHandlers::ImportPortalSubmission(
    grpc::CallbackServerContext* ctx, const v1::ImportPortalSubmissionRequest* request,
    v1::ImportPortalSubmissionResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "ImportPortalSubmission",
       .action = auth::Action::kSubmitInterest,
       .kind = server::CallKind::kWrite},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto valid = ValidatePortalSubmission(request->submission(), Today(call.now()));
        if (!valid.ok()) return valid.status();
        // Idempotent on the portal's id: a second import returns the first interest.
        auto existing = InterestStore::FindPortal(conn, call.principal().org_id,
                                                  request->submission().submission_id());
        if (!existing.ok()) return existing.status();
        if (*existing) {
          auto joined = InterestStore::JoinedExisting(conn, (*existing)->id());
          if (!joined.ok()) return joined.status();
          call.Audit(kInterest, (*existing)->id());
          *response->mutable_interest() = **std::move(existing);
          response->set_existing_applicant(*joined);
          return absl::OkStatus();
        }
        auto registered = Register(call, conn, *valid, "submission.chosen_municipalities");
        if (!registered.ok()) return registered.status();
        *response->mutable_interest() = std::move(registered->interest);
        response->set_existing_applicant(registered->existing_applicant);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::SubmitInterest(
    grpc::CallbackServerContext* ctx, const v1::SubmitInterestRequest* request,
    v1::SubmitInterestResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SubmitInterest",
       .action = auth::Action::kSubmitInterest,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto valid = ValidateInterest(request->interest(), Today(call.now()));
        if (!valid.ok()) return valid.status();
        auto registered = Register(call, conn, *valid, "interest.wanted_municipalities");
        if (!registered.ok()) return registered.status();
        *response->mutable_interest() = std::move(registered->interest);
        response->set_existing_applicant(registered->existing_applicant);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::GetInterest(grpc::CallbackServerContext* ctx,
                                                           const v1::GetInterestRequest* request,
                                                           v1::GetInterestResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetInterest", .action = auth::Action::kReadInterest}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("id", request->id(), "an interest"); !st.ok()) return st;
        auto interest = InterestStore::Get(conn, request->id(), call.principal().org_id);
        if (!interest.ok()) return interest.status();
        call.Audit(kInterest, interest->id());
        *response->mutable_interest() = *std::move(interest);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::ListInterests(
    grpc::CallbackServerContext* ctx, const v1::ListInterestsRequest* request,
    v1::ListInterestsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListInterests", .action = auth::Action::kReadInterest}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (!v1::InterestSource_IsValid(request->source())) v.Add("source", "is not a source");
        validation::CheckText(v, "campaign_id", request->campaign_id(), 64, false);
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const std::string filters = absl::StrCat(call.principal().org_id, "|", request->source(),
                                                 "|", request->campaign_id());
        auto after = DecodeTimeKey(request->page_token(), filters);
        if (!after.ok()) return after.status();
        auto page = InterestStore::List(
            conn, call.principal().org_id,
            {.source = request->source(), .campaign_id = request->campaign_id()}, *page_size,
            *after);
        if (!page.ok()) return page.status();
        for (auto& interest : page->interests) {
          call.Audit(kInterest, interest.id());
          *response->add_interests() = std::move(interest);
        }
        if (page->last) {
          response->set_next_page_token(EncodeTimeKey(filters, *page->last));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::UpsertOrganisation(
    grpc::CallbackServerContext* ctx, const v1::UpsertOrganisationRequest* request,
    v1::UpsertOrganisationResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "UpsertOrganisation",
       .action = auth::Action::kManageOrganisations,
       .kind = server::CallKind::kWrite},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto valid = ValidateOrganisation(request->organisation());
        if (!valid.ok()) return valid.status();
        auto stored = OrganisationStore::Upsert(conn, *valid, call.now());
        if (!stored.ok()) return stored.status();
        call.Audit("organisation", stored->ref().id());
        *response->mutable_organisation() = *std::move(stored);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::GetOrganisation(
    grpc::CallbackServerContext* ctx, const v1::GetOrganisationRequest* request,
    v1::GetOrganisationResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetOrganisation", .action = auth::Action::kReadOrganisations}, *request,
      response, [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        auto organisation = OrganisationStore::Get(conn, request->id());
        if (!organisation.ok()) return organisation.status();
        *response->mutable_organisation() = *std::move(organisation);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::ListOrganisations(
    grpc::CallbackServerContext* ctx, const v1::ListOrganisationsRequest* request,
    v1::ListOrganisationsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListOrganisations", .action = auth::Action::kReadOrganisations},
      *request, response,
      [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        if (!fhv::common::v1::OrganisationKind_IsValid(request->kind())) {
          Violations v;
          v.Add("kind", "is not a kind of organisation");
          return v.ToStatus();
        }
        const std::string filters = absl::StrCat("organisations|", request->kind());
        auto after = AfterId(request->page_token(), filters);
        if (!after.ok()) return after.status();
        auto rows = OrganisationStore::List(conn, *page_size + 1, *after, request->kind());
        if (!rows.ok()) return rows.status();
        const bool more = static_cast<int>(rows->size()) > *page_size;
        if (more) rows->resize(*page_size);
        for (auto& o : *rows) *response->add_organisations() = std::move(o);
        if (more) {
          response->set_next_page_token(
              EncodePageToken(filters, {response->organisations().rbegin()->ref().id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::UpsertRegion(grpc::CallbackServerContext* ctx,
                                                            const v1::UpsertRegionRequest* request,
                                                            v1::UpsertRegionResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "UpsertRegion",
       .action = auth::Action::kManageOrganisations,
       .kind = server::CallKind::kWrite},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto valid = ValidateRegion(request->region());
        if (!valid.ok()) return valid.status();
        // Indexes as the caller gave them (validation has refused duplicates).
        const std::vector<std::string> members(request->region().municipalities().begin(),
                                               request->region().municipalities().end());
        auto unknown = OrganisationStore::UnknownMunicipalities(conn, members);
        if (!unknown.ok()) return unknown.status();
        Violations v;
        for (int i : *unknown) {
          v.Add(absl::StrCat("region.municipalities[", i, "]"), "is not a known municipality");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (auto st = OrganisationStore::UpsertRegion(conn, *valid, call.now()); !st.ok()) {
          return st;
        }
        call.Audit("region", valid->id());
        *response->mutable_region() = *std::move(valid);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::ListRegions(grpc::CallbackServerContext* ctx,
                                                           const v1::ListRegionsRequest* request,
                                                           v1::ListRegionsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListRegions", .action = auth::Action::kReadOrganisations}, *request,
      response, [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        auto after = AfterId(request->page_token(), "regions");
        if (!after.ok()) return after.status();
        auto rows = OrganisationStore::ListRegions(conn, *page_size + 1, *after);
        if (!rows.ok()) return rows.status();
        const bool more = static_cast<int>(rows->size()) > *page_size;
        if (more) rows->resize(*page_size);
        for (auto& r : *rows) *response->add_regions() = std::move(r);
        if (more) {
          response->set_next_page_token(
              EncodePageToken("regions", {response->regions().rbegin()->id()}));
        }
        return absl::OkStatus();
      });
}

}  // namespace fhv::recruitment
