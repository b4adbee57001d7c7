#!/usr/bin/env node
// Example client of the fhv suite in Node.js (@grpc/grpc-js, @grpc/proto-loader): runs the core
// flow.
//
// An agency or municipality can copy this file to start its own integration. It shows:
//   * loading the contracts at run time from the .proto files (no generated code);
//   * a channel (plaintext, or TLS with --ca) and the `authorization: Bearer <token>` metadata;
//   * paging with page_size / next_page_token;
//   * idempotent creates with a client-chosen request_id, and a retry of one;
//   * etags: a verb with the current etag, and what a stale etag gets (ABORTED);
//   * how to decode the google.rpc.Status that the servers put in the `grpc-status-details-bin`
//     trailer: ErrorInfo (reason, domain, metadata) and BadRequest (field violations).
//
// Field names are as in the .proto files (keepCase), enums are their names as strings, and 64-bit
// integers (amounts in öre) are decimal strings: JavaScript numbers cannot hold every int64.
//
// The flow prints ids, states and error codes only: never a personnummer or a name.
// It doubles as a test: exit 0 when every step gave what it should, 1 (with a message saying which
// step and why) when something did not, 2 on a usage error.
//
// Usage:
//   FHV_TOKEN=... node flow.js --recruitment HOST:PORT --placement HOST:PORT
//   node flow.js --token-file FILE --recruitment HOST:PORT --placement HOST:PORT [--ca FILE]
//                [--proto-dir DIR] [--municipality KOMMUNKOD] [--timeout SECONDS]
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
// protobufjs (what proto-loader builds on) decodes google.rpc.Status and its details, which
// are not arguments of any RPC and so get no decoder from proto-loader.
const protobuf = require('protobufjs');

// The caller's municipality (kommunkod): the organisation of the token.
const DEFAULT_MUNICIPALITY = '2418';
// The trailer in which the servers send the full google.rpc.Status.
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
// google/protobuf/*.proto (libprotobuf-dev on Debian).
const SYSTEM_INCLUDE = '/usr/include';

// The same conversions for RPC messages and for the decoded error details.
const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

class FlowFailure extends Error {
  // `rpcError` is the gRPC error behind the failure, if any.
  constructor(message, rpcError = null) {
    super(message);
    this.rpcError = rpcError;
  }
}

class UsageError extends Error {}

// --- Arguments, token, contracts -----------------------------------------------------------------

const USAGE = `usage: node flow.js --recruitment HOST:PORT --placement HOST:PORT
                    [--token-file FILE] [--ca FILE] [--proto-dir DIR]
                    [--municipality KOMMUNKOD] [--timeout SECONDS]
The token is read from --token-file, else from the environment variable FHV_TOKEN.
--ca FILE uses TLS with that CA's PEM (default: plaintext).
--proto-dir is the repository's proto/ directory (default: ../../proto from this file).
--municipality is the caller's municipality, the token's organisation (default: 2418).
--timeout is the deadline of each call in seconds (default: 15).`;

function parseArguments(argv) {
  let parsed;
  try {
    parsed = util.parseArgs({
      args: argv,
      options: {
        recruitment: { type: 'string' },
        placement: { type: 'string' },
        'token-file': { type: 'string' },
        ca: { type: 'string' },
        'proto-dir': { type: 'string' },
        municipality: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError(`${e.message}\n${USAGE}`);
  }
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const required of ['recruitment', 'placement']) {
    if (!parsed[required]) throw new UsageError(`--${required} HOST:PORT is required\n${USAGE}`);
  }
  // (Defaults here, not in parseArgs: its `default` needs Node 18.11.)
  const timeout = Number(parsed.timeout || '15');
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds`);
  return {
    recruitment: parsed.recruitment,
    placement: parsed.placement,
    tokenFile: parsed['token-file'],
    ca: parsed.ca,
    protoDir: path.resolve(parsed['proto-dir'] || path.join(__dirname, '..', '..', 'proto')),
    municipality: parsed.municipality || DEFAULT_MUNICIPALITY,
    timeoutMs: timeout * 1000,
  };
}

function readToken(args) {
  if (args.tokenFile) {
    let token;
    try {
      token = fs.readFileSync(args.tokenFile, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`cannot read the token file ${args.tokenFile}: ${e.message}`);
    }
    if (!token) throw new UsageError(`the token file ${args.tokenFile} is empty`);
    return token;
  }
  const token = (process.env.FHV_TOKEN || '').trim();
  if (!token) {
    throw new UsageError('no token: set the environment variable FHV_TOKEN or pass --token-file FILE');
  }
  return token;
}

function loadContracts(protoDir) {
  const includeDirs = [protoDir, SYSTEM_INCLUDE];
  const files = [
    'fhv/recruitment/v1/recruitment_service.proto',
    'fhv/placement/v1/placement_service.proto',
  ];
  for (const f of files) {
    if (!fs.existsSync(path.join(protoDir, f))) {
      throw new UsageError(`${f} not found in ${protoDir}: pass --proto-dir (the repository's proto/)`);
    }
  }
  let packageDefinition;
  try {
    packageDefinition = protoLoader.loadSync(files, { ...LOADER_OPTIONS, includeDirs });
  } catch (e) {
    throw new UsageError(`cannot load the .proto files: ${e.message} ` +
      `(google/protobuf/*.proto are looked for in ${SYSTEM_INCLUDE}: install libprotobuf-dev)`);
  }
  const loaded = grpc.loadPackageDefinition(packageDefinition);

  // google.rpc.Status and its details, with protobufjs directly.
  const errorRoot = new protobuf.Root();
  errorRoot.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of includeDirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target;
  };
  errorRoot.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });

  return {
    RecruitmentService: loaded.fhv.recruitment.v1.RecruitmentService,
    PlacementService: loaded.fhv.placement.v1.PlacementService,
    errorRoot,
    Status: errorRoot.lookupType('google.rpc.Status'),
  };
}

// --- Errors: google.rpc.Status from the trailer ----------------------------------------------------

const CODE_NAMES = Object.fromEntries(Object.entries(grpc.status).map(([name, code]) => [code, name]));

function codeName(code) {
  return CODE_NAMES[code] || `code ${code}`;
}

// The google.rpc.Status of a failed call from its grpc-status-details-bin trailer, as
// { status, errorInfo, badRequest, other } (plain objects; null when absent).
function decodeStatus(err, contracts) {
  const result = { status: null, errorInfo: null, badRequest: null, other: [] };
  const values = err.metadata ? err.metadata.get(STATUS_DETAILS_KEY) : [];
  if (!values || values.length === 0) return result;
  const status = contracts.Status.decode(values[0]);
  result.status = contracts.Status.toObject(status, LOADER_OPTIONS);
  for (const any of status.details) {
    const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
    let type;
    try {
      type = contracts.errorRoot.lookupType(typeName);
    } catch (e) {
      result.other.push(any.type_url);
      continue;
    }
    const detail = type.toObject(type.decode(any.value), LOADER_OPTIONS);
    if (typeName === 'google.rpc.ErrorInfo') result.errorInfo = detail;
    else if (typeName === 'google.rpc.BadRequest') result.badRequest = detail;
    else result.other.push(any.type_url);
  }
  return result;
}

// Readable lines for a failed call: code, message, reason and each field violation.
function describeError(err, contracts) {
  const lines = [`code: ${codeName(err.code)}`, `message: ${err.details}`];
  let decoded;
  try {
    decoded = decodeStatus(err, contracts);
  } catch (e) {
    lines.push(`(the ${STATUS_DETAILS_KEY} trailer could not be decoded: ${e.message})`);
    return lines;
  }
  if (!decoded.status) {
    lines.push(`(no google.rpc.Status in the ${STATUS_DETAILS_KEY} trailer)`);
    return lines;
  }
  if (decoded.status.code !== err.code) {
    lines.push(`(the Status in the trailer says code ${decoded.status.code})`);
  }
  const info = decoded.errorInfo;
  if (info) {
    const meta = Object.keys(info.metadata).sort().map((k) => `${k}=${info.metadata[k]}`).join(', ');
    lines.push(`reason: ${info.reason} (domain: ${info.domain || '-'}${meta ? `; metadata: ${meta}` : ''})`);
  }
  if (decoded.badRequest) {
    for (const v of decoded.badRequest.field_violations) {
      lines.push(`field violation: ${v.field}: ${v.description}`);
    }
  }
  for (const typeUrl of decoded.other) lines.push(`(other detail: ${typeUrl})`);
  return lines;
}

// --- Test data (fictitious; never printed) ---------------------------------------------------------

// The check digit of a personnummer, over its 10-digit form without the check digit.
function luhnCheckDigit(nineDigits) {
  let total = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let d = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    total += d;
  }
  return String((10 - (total % 10)) % 10);
}

const pad = (n, width) => String(n).padStart(width, '0');

// Dates are plain {year, month, day} (UTC calendar days), the shape of fhv.common.v1.Date.
function addDays(day, days) {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function today() {
  const d = new Date();
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function daysBetween(a, b) {
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86400000);
}

function randomDay(first, last) {
  return addDays(first, crypto.randomInt(0, daysBetween(first, last) + 1));
}

// A valid 12-digit personnummer (YYYYMMDDNNNC) for a birth date and a serial 0..999.
function makePersonnummer(birth, serial) {
  const date = `${pad(birth.year, 4)}${pad(birth.month, 2)}${pad(birth.day, 2)}`;
  const nine = `${date.slice(2)}${pad(serial, 3)}`;
  return `${date}${pad(serial, 3)}${luhnCheckDigit(nine)}`;
}

// A random birth date and serial, so that reruns against the same database do not meet the
// applicant of an earlier run.
function randomAdultPersonnummer() {
  const birth = randomDay({ year: 1950, month: 1, day: 1 }, { year: 1995, month: 12, day: 31 });
  return makePersonnummer(birth, crypto.randomInt(0, 1000));
}

function withWrongCheckDigit(personnummer) {
  return personnummer.slice(0, -1) + String((Number(personnummer.slice(-1)) + 1) % 10);
}

function newInterest(personnummer, municipality) {
  return {
    source: 'INTEREST_SOURCE_E_SERVICE',
    adults: [{
      name: { given_name: 'Exempel', family_name: 'Flödesson' },
      personnummer,
      contact: { email: `flow-${crypto.randomBytes(6).toString('hex')}@example.se` },
    }],
    home: { housing_type: 'HOUSING_TYPE_HOUSE', rooms_for_child: 1 },
    languages: ['sv'],
    wanted_assignments: ['ASSIGNMENT_KIND_FAMILJEHEM'],
    wanted_municipalities: [municipality],
    note: 'Registered by the fhv example client (Node.js).',
  };
}

// --- The flow ---------------------------------------------------------------------------------------

class Flow {
  constructor(contracts, recruitment, placement, token, timeoutMs) {
    this.contracts = contracts;
    this.rec = recruitment;
    this.pla = placement;
    this.metadata = new grpc.Metadata();
    this.metadata.set('authorization', `Bearer ${token}`);
    this.timeoutMs = timeoutMs;
  }

  step(n, text) {
    console.log(`[${n}] ${text}`);
  }

  detail(lines) {
    for (const line of lines) console.log(`      ${line}`);
  }

  // Calls client.method(request); resolves to the response or rejects with the gRPC error.
  invoke(client, method, request) {
    return new Promise((resolve, reject) => {
      client[method](request, this.metadata, { deadline: Date.now() + this.timeoutMs },
        (err, response) => (err ? reject(err) : resolve(response)));
    });
  }

  // Any error fails the flow.
  async call(what, client, method, request) {
    try {
      return await this.invoke(client, method, request);
    } catch (err) {
      if (err instanceof Error && 'code' in err) throw new FlowFailure(`${what} failed`, err);
      throw err;
    }
  }

  // Expects the error `code`; returns the error.
  async callExpectingError(what, client, method, request, code) {
    let err = null;
    try {
      await this.invoke(client, method, request);
    } catch (e) {
      err = e;
    }
    if (err === null) throw new FlowFailure(`${what}: expected ${codeName(code)}, but the call succeeded`);
    if (err.code !== code) {
      throw new FlowFailure(`${what}: expected ${codeName(code)}, got ${codeName(err.code)}`, err);
    }
    return err;
  }

  async run(municipality) {
    // 1. Organisations, two per page until next_page_token is empty.
    const orgs = [];
    let pages = 0;
    let pageToken = '';
    for (;;) {
      const resp = await this.call('ListOrganisations', this.rec, 'ListOrganisations',
        { page_size: 2, page_token: pageToken });
      pages++;
      if (resp.organisations.length > 2) {
        throw new FlowFailure(`ListOrganisations returned ${resp.organisations.length} organisations for page_size=2`);
      }
      orgs.push(...resp.organisations.map((o) => o.ref.id));
      if (!resp.next_page_token) break;
      if (pages >= 1000) throw new FlowFailure('ListOrganisations: still a next_page_token after 1000 pages');
      pageToken = resp.next_page_token;
    }
    if (new Set(orgs).size !== orgs.length) {
      throw new FlowFailure('ListOrganisations returned an organisation twice across pages');
    }
    if (!orgs.includes(municipality)) {
      throw new FlowFailure(`ListOrganisations did not list the caller's municipality ${municipality}`);
    }
    this.step(1, `ListOrganisations: ${orgs.length} organisations in ${pages} pages (page_size=2)`);

    // 2. A new interest, and the identical request again (a retry after e.g. a timeout).
    let submit = null;
    let first = null;
    for (let attempt = 0; attempt < 5 && (first === null || first.existing_applicant); attempt++) {
      submit = {
        request_id: crypto.randomUUID(),
        interest: newInterest(randomAdultPersonnummer(), municipality),
      };
      // An adult of an earlier run's open applicant (rare): the loop takes another personnummer.
      first = await this.call('SubmitInterest', this.rec, 'SubmitInterest', submit);
      if (first.existing_applicant) {
        this.step(2, 'SubmitInterest joined an open applicant of an earlier run; trying another adult');
      }
    }
    if (first.existing_applicant) {
      throw new FlowFailure('SubmitInterest: five random personnummer all joined an existing applicant');
    }
    const interestId = first.interest.id;
    const applicantId = first.interest.applicant_id;
    if (!interestId || !applicantId) {
      throw new FlowFailure('SubmitInterest: the response has no interest id or applicant id');
    }
    const receivedBy = first.interest.receiving_organisation ? first.interest.receiving_organisation.id : '';
    if (receivedBy !== municipality) {
      throw new FlowFailure(`SubmitInterest: received by '${receivedBy}', expected the caller's municipality ${municipality}`);
    }
    this.step(2, `SubmitInterest: interest ${interestId}, new applicant ${applicantId}`);
    const again = await this.call('SubmitInterest (retry)', this.rec, 'SubmitInterest', submit);
    if (again.interest.id !== interestId || again.interest.applicant_id !== applicantId ||
        again.existing_applicant !== first.existing_applicant) {
      throw new FlowFailure(`SubmitInterest retry with the same request_id gave interest ${again.interest.id} / ` +
        `applicant ${again.interest.applicant_id}, expected ${interestId} / ${applicantId}`);
    }
    this.step(2, 'SubmitInterest again with the same request_id: the same interest and applicant');

    // 3. The new applicant.
    const { applicant } = await this.call('GetApplicant', this.rec, 'GetApplicant', { id: applicantId });
    if (applicant.state !== 'APPLICANT_STATE_NEW') {
      throw new FlowFailure(`GetApplicant: state ${applicant.state}, expected APPLICANT_STATE_NEW`);
    }
    if (!applicant.interest_ids.includes(interestId)) {
      throw new FlowFailure(`GetApplicant: interest ${interestId} is not among the applicant's interests`);
    }
    if (!applicant.etag) throw new FlowFailure('GetApplicant: the applicant has no etag');
    const oldEtag = applicant.etag;
    this.step(3, `GetApplicant: ${applicantId} state ${applicant.state}, etag ${oldEtag}`);

    // 4. A verb with the current etag, then the same verb with the now stale etag.
    const contacted = (await this.call('MarkApplicantContacted', this.rec, 'MarkApplicantContacted',
      { id: applicantId, etag: oldEtag })).applicant;
    if (contacted.state !== 'APPLICANT_STATE_CONTACTED') {
      throw new FlowFailure(`MarkApplicantContacted: state ${contacted.state}, expected APPLICANT_STATE_CONTACTED`);
    }
    if (contacted.etag === oldEtag) throw new FlowFailure('MarkApplicantContacted: the etag did not change');
    this.step(4, `MarkApplicantContacted: state ${contacted.state}, etag ${oldEtag} -> ${contacted.etag}`);
    let err = await this.callExpectingError('MarkApplicantContacted with a stale etag', this.rec,
      'MarkApplicantContacted', { id: applicantId, etag: oldEtag }, grpc.status.ABORTED);
    this.step(4, 'MarkApplicantContacted with the stale etag: ABORTED, as expected');
    this.detail(describeError(err, this.contracts));

    // 5. Bad input: every violation is named in google.rpc.BadRequest.
    const bad = {
      request_id: crypto.randomUUID(),
      interest: newInterest(withWrongCheckDigit(randomAdultPersonnummer()), municipality),
    };
    err = await this.callExpectingError('SubmitInterest with an invalid personnummer', this.rec,
      'SubmitInterest', bad, grpc.status.INVALID_ARGUMENT);
    this.step(5, 'SubmitInterest with an invalid personnummer: INVALID_ARGUMENT, as expected');
    this.detail(describeError(err, this.contracts));
    const { badRequest } = decodeStatus(err, this.contracts);
    const fields = badRequest ? badRequest.field_violations.map((v) => v.field) : [];
    if (!fields.some((f) => f.endsWith('personnummer'))) {
      throw new FlowFailure('SubmitInterest with an invalid personnummer: no field violation names the ' +
        `personnummer (fields: ${fields.length ? fields.join(', ') : 'none'})`, err);
    }

    // 6. Find the applicant among the CONTACTED ones, one per page.
    pages = 0;
    pageToken = '';
    for (let found = false; !found;) {
      const resp = await this.call('ListApplicants', this.rec, 'ListApplicants',
        { page_size: 1, page_token: pageToken, state: 'APPLICANT_STATE_CONTACTED' });
      pages++;
      if (resp.applicants.length > 1) {
        throw new FlowFailure(`ListApplicants returned ${resp.applicants.length} applicants for page_size=1`);
      }
      for (const a of resp.applicants) {
        if (a.state !== 'APPLICANT_STATE_CONTACTED') {
          throw new FlowFailure(`ListApplicants(state=CONTACTED) returned an applicant in state ${a.state}`);
        }
        if (a.id === applicantId) found = true;
      }
      if (found) break;
      if (!resp.next_page_token) {
        throw new FlowFailure(`ListApplicants: applicant ${applicantId} not found in ${pages} pages`);
      }
      if (pages >= 1000) {
        throw new FlowFailure(`ListApplicants: applicant ${applicantId} not found in the first 1000 pages`);
      }
      pageToken = resp.next_page_token;
    }
    this.step(6, `ListApplicants(state=CONTACTED, page_size=1): found ${applicantId} after ${pages} page(s)`);

    // 7. A placement request to the municipality's own foster-home team, and a read of it.
    const now = today();
    const birth = randomDay(addDays(now, -16 * 365), addDays(now, -2 * 365));
    const create = {
      request_id: crypto.randomUUID(),
      addressee: { id: municipality, kind: 'ORGANISATION_KIND_MUNICIPALITY' },
      child: {
        personnummer: makePersonnummer(birth, crypto.randomInt(0, 1000)),
        name: { given_name: 'Exempel', family_name: 'Barnsson' },
        birth_date: birth,
        needs_tags: ['trauma'],
        languages: ['sv'],
        school_municipality_id: municipality,
        description: 'Test request from the fhv example client (Node.js).',
      },
      legal_basis: 'LEGAL_BASIS_VOLUNTARY',
      urgency: 'PLACEMENT_URGENCY_PLANNED',
      form: 'PLACEMENT_FORM_FAMILJEHEM',
      // A week ahead: never "in the past" whatever the time zone.
      wanted_start_date: addDays(now, 7),
    };
    const created = (await this.call('CreatePlacementRequest', this.pla, 'CreatePlacementRequest', create))
      .placement_request;
    const requestId = created.placement_request_id;
    if (!requestId) throw new FlowFailure('CreatePlacementRequest: the response has no placement_request_id');
    const retry = (await this.call('CreatePlacementRequest (retry)', this.pla, 'CreatePlacementRequest', create))
      .placement_request;
    if (retry.placement_request_id !== requestId) {
      throw new FlowFailure(`CreatePlacementRequest retry with the same request_id gave ` +
        `${retry.placement_request_id}, expected ${requestId}`);
    }
    this.step(7, `CreatePlacementRequest: ${requestId} ${created.state} (retry: the same request)`);
    const got = (await this.call('GetPlacementRequest', this.pla, 'GetPlacementRequest',
      { placement_request_id: requestId })).placement_request;
    if (got.state !== 'PLACEMENT_REQUEST_STATE_SUBMITTED') {
      throw new FlowFailure(`GetPlacementRequest: state ${got.state}, expected PLACEMENT_REQUEST_STATE_SUBMITTED`);
    }
    if (got.municipality_id !== municipality) {
      throw new FlowFailure(`GetPlacementRequest: owned by '${got.municipality_id}', expected ${municipality}`);
    }
    this.step(7, `GetPlacementRequest: ${requestId} state ${got.state}, child id ${got.child.child_id}`);
  }
}

async function main(argv) {
  let args;
  let token;
  let contracts;
  let credentials;
  try {
    args = parseArguments(argv);
    token = readToken(args);
    contracts = loadContracts(args.protoDir);
    if (args.ca) {
      let caPem;
      try {
        caPem = fs.readFileSync(args.ca);
      } catch (e) {
        throw new UsageError(`cannot read the CA file ${args.ca}: ${e.message}`);
      }
      credentials = grpc.credentials.createSsl(caPem);
    } else {
      credentials = grpc.credentials.createInsecure();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`flow.js: ${e.message}`);
      return 2;
    }
    throw e;
  }

  console.log(`fhv core flow (Node.js): recruitment ${args.recruitment}, placement ${args.placement}, ` +
    `${args.ca ? 'TLS' : 'plaintext'}`);
  const recruitment = new contracts.RecruitmentService(args.recruitment, credentials);
  const placement = new contracts.PlacementService(args.placement, credentials);
  const flow = new Flow(contracts, recruitment, placement, token, args.timeoutMs);
  try {
    await flow.run(args.municipality);
  } catch (e) {
    if (!(e instanceof FlowFailure)) throw e;
    console.error(`FAIL: ${e.message}`);
    if (e.rpcError) {
      for (const line of describeError(e.rpcError, contracts)) console.error(`      ${line}`);
    }
    return 1;
  } finally {
    recruitment.close();
    placement.close();
  }
  console.log('PASS: the core flow (Node.js) completed');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    console.error(`FAIL: unexpected error: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  },
);
