#!/usr/bin/python3
"""A partner in another language: Python's protobuf with classes that protoc
generates from proto/chc/v1, and nngcat as the REQ socket. It shares no code
with the project. It calls the municipalities and companies services the way
a partner would: reads reference data, creates and reads back a need and a
company with a solution, searches, and checks that a bad field comes back as
INVALID_ARGUMENT naming the field.

    domain_calls.py BUILD_DIR SOURCE_DIR     (CHC_TEST_DATABASE_URL set)
"""
import datetime
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
                  ("rpc", "common", "municipalities", "companies")], check=True)
sys.path.insert(0, work)
from chc.v1 import common_pb2, companies_pb2, municipalities_pb2, rpc_pb2  # noqa: E402

INVALID_ARGUMENT = 3
ALREADY_EXISTS = 6


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


def main():
    municipalities, municipalities_url = start("municipalities", {})
    companies, companies_url = start("companies", {"CHC_MUNICIPALITIES_URL": municipalities_url})
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
        print("municipalities and companies answer a partner that shares no code: "
              "GetMunicipality, CreateNeed, GetNeed, CreateCompany, CreateSolution, "
              "SearchSolutions, and field violations")
    finally:
        for process in (companies, municipalities):
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
