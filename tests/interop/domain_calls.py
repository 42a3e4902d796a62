#!/usr/bin/python3
"""A partner in another language: Python's protobuf with classes that protoc
generates from proto/chc/v1, and nngcat as the REQ socket. It shares no code
with the project. It calls the services the way a partner would: reads
reference data, creates and reads back a need and a company with a
solution, searches, runs every kind of matchmaking job on the matching
service and reads its results and export, and checks that a bad field comes
back as INVALID_ARGUMENT naming the field.

    domain_calls.py BUILD_DIR SOURCE_DIR     (CHC_TEST_DATABASE_URL set)
"""
import csv
import datetime
import hashlib
import io
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid

build_dir, source_dir = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp()
# access.proto (the methods' access option) imports protobuf's own
# descriptor.proto, from libprotobuf-dev.
subprocess.run(["protoc", f"--proto_path={source_dir}/proto", "--proto_path=/usr/include",
                f"--python_out={work}"]
               + [f"chc/v1/{name}.proto" for name in
                  ("access", "rpc", "common", "municipalities", "companies", "matching",
                   "projects")],
               check=True)
sys.path.insert(0, work)
from chc.v1 import (common_pb2, companies_pb2, matching_pb2, municipalities_pb2,  # noqa: E402
                    projects_pb2, rpc_pb2)



def fixture_token(role):
    """A token the test fixture made (chc-migrate token): tokens are on."""
    with open(f"{build_dir}/test-home/{role}.token") as file:
        return file.readline().strip()


ADMIN_TOKEN = fixture_token("admin")
SERVICE_TOKEN = fixture_token("service")
INVALID_ARGUMENT = 3
ALREADY_EXISTS = 6
FAILED_PRECONDITION = 9


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, extra):
    port = free_port()
    environment = dict(os.environ, CHC_LISTEN=f"tcp://127.0.0.1:{port}", CHC_HTTP_LISTEN="",
                       CHC_EVENTS_LISTEN="", CHC_LOG_LEVEL="error",
                       CHC_DATABASE_URL=os.environ["CHC_TEST_DATABASE_URL"],
                       CHC_TOKEN=SERVICE_TOKEN, **extra)
    process = subprocess.Popen([f"{build_dir}/services/chc-{name}"], env=environment)
    return process, f"tcp://127.0.0.1:{port}"


def unique_cvr():
    """A CVR number no other test uses: random, with a valid check digit."""
    while True:
        digits = [random.randint(1, 9)] + [random.randint(0, 9) for _ in range(6)]
        check = (-sum(d * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2)))) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def call(url, service, method, request, reply_type):
    """One envelope through nngcat; returns (code, message, violations, reply)."""
    envelope = rpc_pb2.RpcRequest(method=f"/chc.v1.{service}/{method}",
                                  request_id=str(uuid.uuid4()),
                                  idempotency_key=str(uuid.uuid4()), token=ADMIN_TOKEN,
                                  payload=request.SerializeToString())
    path = os.path.join(work, "request.bin")
    with open(path, "wb") as out:
        out.write(envelope.SerializeToString())
    # Debian's nngcat 1.5.2 now and then fails to set its receive timeout
    # and sends nothing; a request with an idempotency key is safe to repeat.
    for _ in range(50):
        result = subprocess.run(["nngcat", "--req", "--dial", url, "--file", path, "--raw",
                                 "--recv-timeout", "5", "--count", "1"], capture_output=True)
        if result.stdout:
            break
        time.sleep(0.1)
    response = rpc_pb2.RpcResponse()
    response.ParseFromString(result.stdout)
    assert response.request_id == envelope.request_id, response
    reply = reply_type()
    if response.code == 0:
        reply.ParseFromString(response.payload)
    return response.code, response.message, [v.field for v in response.violations], reply


CLASSES = ["unspecified", "not-a-device", "i", "iia", "iib", "iii"]
EVIDENCE = ["unspecified", "none", "pilot", "observational-study", "randomised-trial",
            "mast-assessment"]
RESULT_KINDS = {"need-solution": {"match", "near-miss"},
                "testbed-assignment": {"assigned", "unassigned"},
                "testbed-stable": {"assigned", "unassigned"},
                "consortia": {"consortium"}}


def export_kind(kind):
    return matching_pb2.JobKind.Name(kind)[len("JOB_KIND_"):].lower().replace("_", "-")


def check_export(export, kind, test_bed_id):
    """What docs/job-export.md promises a partner, checked on the document
    alone: the members in order, the result kinds, and for test-bed jobs that
    every pair is allowed with the fit the rules give and that the
    assignment keeps within the capacities; for need_solution that every
    match passes its need's hard criteria."""
    members = ["format", "kind", "algorithm_version", "parameters", "inputs", "results"]
    if kind.startswith("testbed-"):
        members += ["capacities", "pairs"]
    assert list(export) == members, list(export)
    assert export["algorithm_version"], export["algorithm_version"]
    assert {r["kind"] for r in export["results"]} <= RESULT_KINDS[kind], kind
    inputs = export["inputs"]
    solutions = {s["id"]: s for s in inputs["solutions"]}
    assert [s["id"] for s in inputs["solutions"]] == sorted(solutions)
    for solution in inputs["solutions"]:
        assert "description" not in solution and "contacts" not in solution
    if kind.startswith("testbed-"):
        assert "needs" not in inputs
        beds = {t["id"]: t for t in inputs["test_beds"]}
        assert test_bed_id in beds, "the test bed made above is an input"
        region_of = {m["code"]: m["region_code"] for m in inputs["municipalities"]}
        assert export["pairs"] == sorted(export["pairs"], key=lambda p: (p[0], p[1]))
        fit = {}
        for s_id, t_id, f in export["pairs"]:
            s, t = solutions[s_id], beds[t_id]
            categories = s.get("categories", [])
            overlap = sum(c in t["care_areas"] for c in categories)
            trl = s.get("trl", 0)
            assert overlap > 0 and t["trl_min"] <= trl <= t["trl_max"], (s, t)
            assert (CLASSES.index(s.get("device_class", "unspecified"))
                    <= CLASSES.index(t["max_device_class"])), (s, t)
            assert s.get("gdpr_dpa_available") or not t.get("dpa_required"), (s, t)
            assert set(t.get("standards", [])) <= set(s.get("standards", [])), (s, t)
            local = any(d.get("region_code") == t["region_code"]
                        or region_of.get(d.get("municipality_code")) == t["region_code"]
                        for d in s.get("deployments", []))
            level = min(max(EVIDENCE.index(s.get("evidence_level", "unspecified")) - 1, 0), 4)
            window = t["trl_max"] - t["trl_min"] + 1
            expected = (400 * overlap // max(len(categories), 1)
                        + max(0, 200 * (trl - t["trl_min"] + 1) // window)
                        + (200 if local else 0) + 100 * level // 4
                        + max(0, 100 - t.get("fee_dkk", 0) // 5000))
            assert f == min(max(expected, 1), 1000), (s_id, t_id, f, expected)
            fit[s_id, t_id] = f
        used, placed = {}, set()
        for r in export["results"]:
            if r["kind"] == "assigned":
                pair = (r["solution_id"], r["test_bed_id"])
                assert pair in fit, pair
                assert abs(r["score"] - fit[pair] / 10) < 1e-9, (r, fit[pair])
                assert r["solution_id"] not in placed, r
                placed.add(r["solution_id"])
                used[r["test_bed_id"]] = used.get(r["test_bed_id"], 0) + 1
        assert set(export["capacities"]) == set(beds)
        assert all(used.get(t, 0) <= n for t, n in export["capacities"].items()), used
    else:
        assert "test_beds" not in inputs
        for need in inputs["needs"]:
            assert "contact" not in need and "description" not in need
    if kind == "need-solution":
        needs = {n["id"]: n for n in inputs["needs"]}
        zero = {(f["need_id"], f["solution_id"]) for f in inputs["feedback"]}
        for r in export["results"]:
            if r["kind"] != "match":
                continue
            need, s = needs[r["need_id"]], solutions[r["solution_id"]]
            assert s.get("trl", 0) >= need.get("min_trl", 0), (need, s)
            if need.get("max_device_class"):
                assert (CLASSES.index(s.get("device_class", "unspecified"))
                        <= CLASSES.index(need["max_device_class"])), (need, s)
            assert set(need.get("required_standards", [])) <= set(s.get("standards", []))
            assert s.get("gdpr_dpa_available") or not need.get("gdpr_dpa_required")
            assert 1 <= r["rank"] <= export["parameters"]["top_k"], r
            if (r["need_id"], r["solution_id"]) in zero:
                assert r.get("score", 0) == 0, r


def read_export(matching_url, job_id, export_format):
    """The whole document in chunks of 64 KiB, checked against its SHA-256."""
    x = matching_pb2
    document, offset, digest = b"", 0, ""
    while True:
        code, message, _, chunk = call(
            matching_url, "MatchingService", "ExportJob",
            x.ExportJobRequest(job_id=job_id, format=export_format, offset=offset,
                               max_bytes=65536), x.ExportJobResponse)
        assert code == 0, message
        assert chunk.total_bytes > 0 and offset + len(chunk.data) <= chunk.total_bytes
        document += chunk.data
        digest = chunk.sha256
        offset = chunk.next_offset
        if offset == 0:
            break
    assert len(document) == chunk.total_bytes
    assert hashlib.sha256(document).hexdigest() == digest
    return document


def published_solution(companies_url, company_name="Interop Afprøvning ApS", **fields):
    """A company with one solution, submitted and approved (its company_id
    names the company)."""
    c = companies_pb2
    company = c.Company(name=company_name, cvr=unique_cvr(), municipality_code=751)
    code, message, _, company = call(companies_url, "CompanyService", "CreateCompany",
                                     c.CreateCompanyRequest(company=company), c.Company)
    assert code == 0, message
    code, message, _, solution = call(companies_url, "CompanyService", "CreateSolution",
                                      c.CreateSolutionRequest(solution=c.Solution(
                                          company_id=company.id, **fields)), c.Solution)
    assert code == 0, message
    for step in ("SubmitSolution", "ApproveSolution"):
        code, message, _, solution = call(
            companies_url, "CompanyService", step,
            c.SolutionActionRequest(id=solution.id, expected_version=solution.version),
            c.Solution)
        assert code == 0, message
    return solution


def run_jobs(matching_url, municipalities_url, companies_url):
    """A test bed, each kind of job to its end, its results and its export.
    The database is shared with other tests: the checks hold whatever else
    is in it, and a need and a solution made here make them bite."""
    x, m = matching_pb2, municipalities_pb2
    deadline = (datetime.date.today() + datetime.timedelta(days=120)).isoformat()
    code, message, _, need = call(
        municipalities_url, "MunicipalityService", "CreateNeed",
        m.CreateNeedRequest(need=m.Need(
            owners=[m.NeedOwner(municipality_code=751)], title="Interop: telemedicin i eget hjem",
            care_area=common_pb2.CARE_CATEGORY_TELEMEDICINE, min_trl=7,
            max_device_class=common_pb2.DEVICE_CLASS_IIA,
            procurement_route=m.PROCUREMENT_ROUTE_OPEN_TENDER, deadline=deadline,
            status=m.NEED_STATUS_OPEN)), m.Need)
    assert code == 0, message
    solution = published_solution(companies_url, name="Interop Telemedicin",
                                  categories=[common_pb2.CARE_CATEGORY_TELEMEDICINE], trl=7,
                                  device_class=common_pb2.DEVICE_CLASS_I,
                                  gdpr_dpa_available=True,
                                  evidence_level=companies_pb2.EVIDENCE_LEVEL_PILOT,
                                  deployments=[companies_pb2.Deployment(municipality_code=751)])
    test_bed = x.TestBed(name="Interop Living Lab",
                         owner=x.TestBedOwner(kind=x.TEST_BED_OWNER_KIND_MUNICIPALITY,
                                              municipality_code=751),
                         type=x.TEST_BED_TYPE_LIVING_LAB,
                         care_areas=[common_pb2.CARE_CATEGORY_TELEMEDICINE],
                         trl_min=6, trl_max=8, capacity_per_period=2, periods=["2027-Q1"],
                         region_code=1082, max_device_class=common_pb2.DEVICE_CLASS_IIA)
    code, message, _, made = call(matching_url, "MatchingService", "CreateTestBed",
                                  x.CreateTestBedRequest(test_bed=test_bed), x.TestBed)
    assert code == 0 and made.version == 1, (code, message)
    bad = x.TestBed()
    bad.CopyFrom(test_bed)
    bad.trl_max = 3
    code, message, fields, _ = call(matching_url, "MatchingService", "CreateTestBed",
                                    x.CreateTestBedRequest(test_bed=bad), x.TestBed)
    assert code == INVALID_ARGUMENT and "test_bed.trl_max" in fields, (code, fields)
    code, message, fields, _ = call(matching_url, "MatchingService", "SubmitJob",
                                    x.SubmitJobRequest(kind=x.JOB_KIND_NEED_SOLUTION), x.Job)
    assert code == INVALID_ARGUMENT and "parameters.top_k" in fields, (code, fields)

    kinds = [(x.JOB_KIND_NEED_SOLUTION, x.JobParameters(top_k=10)),
             (x.JOB_KIND_TESTBED_ASSIGNMENT, x.JobParameters(period="2027-Q1")),
             (x.JOB_KIND_TESTBED_STABLE, x.JobParameters()),
             (x.JOB_KIND_CONSORTIA, x.JobParameters(top_k=5))]
    for kind, parameters in kinds:
        code, message, _, job = call(matching_url, "MatchingService", "SubmitJob",
                                     x.SubmitJobRequest(kind=kind, parameters=parameters), x.Job)
        assert code == 0 and job.state in (x.JOB_STATE_QUEUED, x.JOB_STATE_RUNNING), message
        for _ in range(600):
            code, message, _, job = call(matching_url, "MatchingService", "GetJob",
                                         x.GetJobRequest(id=job.id), x.Job)
            assert code == 0, message
            if job.state not in (x.JOB_STATE_QUEUED, x.JOB_STATE_RUNNING):
                break
            time.sleep(0.1)
        assert job.state == x.JOB_STATE_SUCCEEDED, (kind, job.state, job.error)
        code, message, _, results = call(
            matching_url, "MatchingService", "ListJobResults",
            x.ListJobResultsRequest(job_id=job.id,
                                    page=common_pb2.PageRequest(page_size=50, want_total=True)),
            x.ListJobResultsResponse)
        assert code == 0 and results.page.total_size == job.result_count, message
        assert {x.ResultKind.Name(r.kind)[len("RESULT_KIND_"):].lower().replace("_", "-")
                for r in results.results} <= RESULT_KINDS[export_kind(kind)], results
        document = read_export(matching_url, job.id, x.EXPORT_FORMAT_JSON)
        assert document.endswith(b"}\n") and b"\n" not in document[:-1]
        export = json.loads(document)
        assert export["format"] == "chc-job-export/1"
        slug = export_kind(kind)
        assert export["kind"] == slug, export["kind"]
        assert export["algorithm_version"] == job.algorithm_version
        assert len(export["results"]) == job.result_count
        assert export["parameters"]["top_k"] == parameters.top_k
        check_export(export, slug, made.id)
        ids = [s["id"] for s in export["inputs"]["solutions"]]
        assert solution.id in ids, "the solution published above is an input"
        if slug.startswith("testbed-"):
            assert any(p[:2] == [solution.id, made.id] for p in export["pairs"]), \
                "the solution fits the test bed"
            assert solution.id in {r.get("solution_id") for r in export["results"]}, \
                "a solution seeking a test bed is assigned or told why not"
        if slug == "need-solution":
            assert need.id in [n["id"] for n in export["inputs"]["needs"]]
            assert any(r["kind"] == "match" and r["need_id"] == need.id
                       for r in export["results"]), "a need with a fitting solution has a match"
        assert read_export(matching_url, job.id, x.EXPORT_FORMAT_JSON) == document
        table = read_export(matching_url, job.id, x.EXPORT_FORMAT_CSV).decode()
        header = ("kind,rank,need_id,need_title,solution_id,solution_name,test_bed_id,"
                  "test_bed_name,score,members,explanation")
        assert table.startswith(header + "\r\n") and table.endswith("\r\n"), table[:200]
        rows = list(csv.reader(io.StringIO(table, newline="")))
        assert len(rows) == 1 + job.result_count
        assert all(len(row) == 11 for row in rows), rows[:3]
        assert {row[0] for row in rows[1:]} <= RESULT_KINDS[slug]


def collaborate(municipalities_url, companies_url, projects_url):
    """A company's interest in a need, seen anonymously, accepted, a project."""
    m, p = municipalities_pb2, projects_pb2
    deadline = (datetime.date.today() + datetime.timedelta(days=100)).isoformat()
    need = m.Need(owners=[m.NeedOwner(municipality_code=751)], title="Interop: KOL hjemme",
                  care_area=common_pb2.CARE_CATEGORY_REMOTE_MONITORING, min_trl=6,
                  max_device_class=common_pb2.DEVICE_CLASS_IIB,
                  procurement_route=m.PROCUREMENT_ROUTE_OPEN_TENDER, deadline=deadline,
                  status=m.NEED_STATUS_OPEN)
    code, message, _, need = call(municipalities_url, "MunicipalityService", "CreateNeed",
                                  m.CreateNeedRequest(need=need), m.Need)
    assert code == 0, message
    solution = published_solution(companies_url, company_name="Interop Samarbejde ApS",
                                  name="Interop Lungeur",
                                  categories=[common_pb2.CARE_CATEGORY_REMOTE_MONITORING], trl=8,
                                  device_class=common_pb2.DEVICE_CLASS_IIA)
    company_id = solution.company_id
    sender = p.Party(kind=p.PARTY_KIND_COMPANY, company_id=company_id)
    receiver = p.Party(kind=p.PARTY_KIND_MUNICIPALITY, municipality_code=751)
    interest = p.Interest(sender=sender, need_id=need.id, solution_id=solution.id,
                          message="Interop")
    code, message, _, interest = call(projects_url, "ProjectService", "CreateInterest",
                                      p.CreateInterestRequest(interest=interest), p.Interest)
    assert code == 0, message
    code, message, _, seen = call(projects_url, "ProjectService", "GetInterest",
                                  p.GetInterestRequest(id=interest.id, **{"as": receiver}),
                                  p.Interest)
    assert code == 0 and not seen.HasField("sender"), (code, message)
    assert company_id.encode() not in seen.SerializeToString()
    code, message, _, accepted = call(
        projects_url, "ProjectService", "AcceptInterest",
        p.AnswerInterestRequest(id=interest.id, expected_version=interest.version,
                                **{"as": receiver}), p.Interest)
    assert code == 0 and accepted.sender.company_id == company_id, message
    code, message, _, project = call(projects_url, "ProjectService", "GetProject",
                                     p.GetProjectRequest(id=accepted.project_id), p.Project)
    assert code == 0 and project.status == p.PROJECT_STATUS_EXPLORING, message
    assert len(project.participants) == 2
    code, message, _, _ = call(projects_url, "ProjectService", "ChangeProjectStatus",
                               p.ChangeProjectStatusRequest(id=project.id,
                                                            expected_version=project.version,
                                                            status=p.PROJECT_STATUS_SCALING),
                               p.Project)
    assert code == FAILED_PRECONDITION and "exploring" in message, (code, message)
    code, message, _, moved = call(projects_url, "ProjectService", "ChangeProjectStatus",
                                   p.ChangeProjectStatusRequest(id=project.id,
                                                                expected_version=project.version,
                                                                status=p.PROJECT_STATUS_AGREED,
                                                                reason="interop"),
                                   p.Project)
    assert code == 0 and moved.status == p.PROJECT_STATUS_AGREED, message


def main():
    municipalities, municipalities_url = start("municipalities", {})
    companies, companies_url = start("companies", {"CHC_MUNICIPALITIES_URL": municipalities_url})
    matching, matching_url = start("matching", {"CHC_MUNICIPALITIES_URL": municipalities_url,
                                                "CHC_COMPANIES_URL": companies_url,
                                                "CHC_JOB_LEASE_SECONDS": "2"})
    projects, projects_url = start("projects", {"CHC_MUNICIPALITIES_URL": municipalities_url,
                                                "CHC_COMPANIES_URL": companies_url,
                                                "CHC_MATCHING_URL": matching_url})
    try:
        m = municipalities_pb2
        code, message, _, municipality = call(municipalities_url, "MunicipalityService",
                                              "GetMunicipality",
                                              m.GetMunicipalityRequest(code=101), m.Municipality)
        assert code == 0 and municipality.name == "København", (code, message)
        assert municipality.region_code == 1084

        deadline = (datetime.date.today() + datetime.timedelta(days=100)).isoformat()
        need = m.Need(owners=[m.NeedOwner(municipality_code=751), m.NeedOwner(region_code=1082)],
                      title="Interop: videokonsultation i hjemmeplejen",
                      description="Video consultations for citizens at home",
                      care_area=common_pb2.CARE_CATEGORY_TELEMEDICINE,
                      min_trl=7, max_device_class=common_pb2.DEVICE_CLASS_IIA,
                      procurement_route=m.PROCUREMENT_ROUTE_OPEN_TENDER, deadline=deadline,
                      contact=m.Contact(name="Mette Hansen", email="mette@viborg.example"),
                      criteria=[m.CriterionWeight(criterion=m.EVALUATION_CRITERION_PRICE,
                                                  weight=100)])
        code, message, _, created = call(municipalities_url, "MunicipalityService", "CreateNeed",
                                         m.CreateNeedRequest(need=need), m.Need)
        assert code == 0, message
        code, message, _, read = call(municipalities_url, "MunicipalityService", "GetNeed",
                                      m.GetNeedRequest(id=created.id), m.Need)
        assert code == 0 and read.title == need.title and len(read.owners) == 2, message

        bad = m.Need(owners=[m.NeedOwner(municipality_code=999)], title="Interop",
                     min_trl=10, deadline=deadline)
        code, message, fields, _ = call(municipalities_url, "MunicipalityService", "CreateNeed",
                                        m.CreateNeedRequest(need=bad), m.Need)
        assert code == INVALID_ARGUMENT, (code, message)
        assert "need.min_trl" in fields, fields

        c = companies_pb2
        cvr = unique_cvr()
        company = c.Company(name="Interop Telehealth ApS", cvr=cvr,
                            municipality_code=751, website="https://interop.example")
        code, message, _, made = call(companies_url, "CompanyService", "CreateCompany",
                                      c.CreateCompanyRequest(company=company), c.Company)
        assert code == 0, message
        code, message, _, _ = call(companies_url, "CompanyService", "CreateCompany",
                                   c.CreateCompanyRequest(company=company), c.Company)
        assert code == ALREADY_EXISTS and cvr in message, (code, message)
        solution = c.Solution(company_id=made.id, name="Interop Video",
                              description="Videokonsultation for borgere i eget hjem",
                              categories=[need.care_area], trl=8,
                              device_class=common_pb2.DEVICE_CLASS_NOT_A_DEVICE)
        code, message, _, stored = call(companies_url, "CompanyService", "CreateSolution",
                                        c.CreateSolutionRequest(solution=solution), c.Solution)
        assert code == 0, message
        code, message, _, found = call(companies_url, "CompanyService", "SearchSolutions",
                                       c.SearchSolutionsRequest(query="videokonsultation",
                                                                include_unpublished=True),
                                       c.SearchSolutionsResponse)
        assert code == 0 and stored.id in [s.id for s in found.solutions], message

        code, message, fields, _ = call(companies_url, "CompanyService", "CreateCompany",
                                        c.CreateCompanyRequest(company=c.Company(
                                            name="Interop Bad ApS", cvr="12345678")),
                                        c.Company)
        assert code == INVALID_ARGUMENT and "company.cvr" in fields, (code, message, fields)
        run_jobs(matching_url, municipalities_url, companies_url)
        collaborate(municipalities_url, companies_url, projects_url)
        print("the services answer a partner that shares no code: GetMunicipality, "
              "CreateNeed, GetNeed, CreateCompany, CreateSolution, SearchSolutions, "
              "CreateTestBed, every kind of job with its results and export, an interest "
              "seen anonymously and accepted into a project, its lifecycle, and field "
              "violations")
    finally:
        for process in (projects, matching, companies, municipalities):
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
