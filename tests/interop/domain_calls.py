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
import datetime
import hashlib
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
subprocess.run(["protoc", f"--proto_path={source_dir}/proto", f"--python_out={work}"]
               + [f"chc/v1/{name}.proto" for name in
                  ("rpc", "common", "municipalities", "companies", "matching", "projects")],
               check=True)
sys.path.insert(0, work)
from chc.v1 import (common_pb2, companies_pb2, matching_pb2, municipalities_pb2,  # noqa: E402
                    projects_pb2, rpc_pb2)

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
                       CHC_DATABASE_URL=os.environ["CHC_TEST_DATABASE_URL"], **extra)
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
                                  idempotency_key=str(uuid.uuid4()),
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


def run_jobs(matching_url):
    """A test bed, each kind of job to its end, its results and its export."""
    x = matching_pb2
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
            x.ListJobResultsRequest(job_id=job.id, page=common_pb2.PageRequest(page_size=50)),
            x.ListJobResultsResponse)
        assert code == 0 and results.page.total_size == job.result_count, message
        document, offset, digest = b"", 0, ""
        while True:
            code, message, _, chunk = call(
                matching_url, "MatchingService", "ExportJob",
                x.ExportJobRequest(job_id=job.id, format=x.EXPORT_FORMAT_JSON, offset=offset,
                                   max_bytes=65536), x.ExportJobResponse)
            assert code == 0, message
            document += chunk.data
            digest = chunk.sha256
            offset = chunk.next_offset
            if offset == 0:
                break
        assert hashlib.sha256(document).hexdigest() == digest
        export = json.loads(document)
        assert export["format"] == "chc-job-export/1"
        assert export["kind"] == x.JobKind.Name(kind)[len("JOB_KIND_"):].lower().replace(
            "_", "-"), export["kind"]


def collaborate(municipalities_url, companies_url, projects_url):
    """A company's interest in a need, seen anonymously, accepted, a project."""
    m, c, p = municipalities_pb2, companies_pb2, projects_pb2
    deadline = (datetime.date.today() + datetime.timedelta(days=100)).isoformat()
    need = m.Need(owners=[m.NeedOwner(municipality_code=751)], title="Interop: KOL hjemme",
                  care_area=common_pb2.CARE_CATEGORY_REMOTE_MONITORING, min_trl=6,
                  max_device_class=common_pb2.DEVICE_CLASS_IIB,
                  procurement_route=m.PROCUREMENT_ROUTE_OPEN_TENDER, deadline=deadline,
                  status=m.NEED_STATUS_OPEN)
    code, message, _, need = call(municipalities_url, "MunicipalityService", "CreateNeed",
                                  m.CreateNeedRequest(need=need), m.Need)
    assert code == 0, message
    company = c.Company(name="Interop Samarbejde ApS", cvr=unique_cvr(), municipality_code=751)
    code, message, _, company = call(companies_url, "CompanyService", "CreateCompany",
                                     c.CreateCompanyRequest(company=company), c.Company)
    assert code == 0, message
    solution = c.Solution(company_id=company.id, name="Interop Lungeur",
                          categories=[common_pb2.CARE_CATEGORY_REMOTE_MONITORING], trl=8,
                          device_class=common_pb2.DEVICE_CLASS_IIA)
    code, message, _, solution = call(companies_url, "CompanyService", "CreateSolution",
                                      c.CreateSolutionRequest(solution=solution), c.Solution)
    assert code == 0, message
    for step in ("SubmitSolution", "ApproveSolution"):
        code, message, _, solution = call(
            companies_url, "CompanyService", step,
            c.SolutionActionRequest(id=solution.id, expected_version=solution.version),
            c.Solution)
        assert code == 0, message
    sender = p.Party(kind=p.PARTY_KIND_COMPANY, company_id=company.id)
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
    assert company.id.encode() not in seen.SerializeToString()
    code, message, _, accepted = call(
        projects_url, "ProjectService", "AcceptInterest",
        p.AnswerInterestRequest(id=interest.id, expected_version=interest.version,
                                **{"as": receiver}), p.Interest)
    assert code == 0 and accepted.sender.company_id == company.id, message
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
        run_jobs(matching_url)
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
