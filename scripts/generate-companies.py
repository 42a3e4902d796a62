#!/usr/bin/env python3
"""Writes a large synthetic CSV of companies, each with one solution, for
the import and search benchmarks:

    scripts/generate-companies.py 100000 > /tmp/companies.csv
    chc company import /tmp/companies.csv

Names are made up from syllables; CVR numbers are valid (modulus 11) and
distinct; the same count and seed always give the same file.
"""
import csv
import random
import sys

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
MUNICIPALITIES = [101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169, 173, 175, 183,
                  185, 187, 190, 201, 210, 217, 219, 223, 230, 240, 250, 253, 259, 260, 265,
                  269, 270, 306, 316, 320, 326, 329, 330, 336, 340, 350, 360, 370, 376, 390,
                  400, 410, 420, 430, 440, 450, 461, 479, 480, 482, 492, 510, 530, 540, 550,
                  561, 563, 573, 575, 580, 607, 615, 621, 630, 657, 661, 665, 671, 706, 707,
                  710, 727, 730, 740, 741, 746, 751, 756, 760, 766, 773, 779, 787, 791, 810,
                  813, 820, 825, 840, 846, 849, 851, 860]
CATEGORIES = ["telemedicine", "remote-monitoring", "population-health-management",
              "decentralised-clinical-trials", "health-data", "rehabilitation", "prevention",
              "elderly-care", "mental-health", "diagnostics", "medication", "ai-decision-support",
              "welfare-technology", "home-care", "chronic-care", "care-coordination"]
TARGETS = ["citizens-with-copd", "citizens-with-diabetes", "citizens-with-heart-failure",
           "citizens-with-dementia", "frail-elderly", "children", "people-with-mental-illness",
           "health-professionals"]
STANDARDS = ["medcom", "hl7-fhir", "ihe-xds", "iso-27001", "iso-13485", "continua", "mitid"]
DEVICES = ["not-a-device", "i", "iia", "iib", "iii"]
SIZES = ["micro", "small", "medium", "large"]
FORMS = ["ApS", "A/S", "IVS"]
SYLLABLES = ["nor", "dan", "vita", "care", "med", "tele", "sund", "hjem", "puls", "lys", "fjord",
             "vest", "øst", "nova", "kvik", "trix", "bio", "data", "link", "sense", "kind", "vej"]
WORDS_DA = ["telemonitorering", "hjemmepleje", "genoptræning", "medicinhåndtering",
            "faldforebyggelse", "demens", "KOL", "diabetes", "hjertesvigt", "videokonsultation",
            "borgere", "sygeplejersker", "kommuner", "data", "overblik", "sikker", "app"]
WORDS_EN = ["remote", "monitoring", "patients", "platform", "clinical", "trials", "analytics",
            "rehabilitation", "prevention", "elderly", "secure", "dashboard", "sensor", "AI"]


def cvr_numbers(rng):
    seen = set()
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(6)]
        partial = sum(d * w for d, w in zip(digits, WEIGHTS))
        check = (-partial) % 11
        if check == 10:
            continue
        number = "".join(map(str, digits)) + str(check)
        if number not in seen:
            seen.add(number)
            yield number


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rng = random.Random(7101)
    numbers = cvr_numbers(rng)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["name", "cvr", "legal_form", "municipality_code", "website", "size_class",
                  "founded_year", "description", "categories", "solution_name",
                  "solution_description", "solution_categories", "solution_target_groups",
                  "solution_trl", "solution_device_class", "solution_standards"])
    for index in range(count):
        name = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        name = f"{name} {rng.choice(['Health', 'Care', 'Medical', 'Sundhed', 'Tech'])} {index}"
        categories = rng.sample(CATEGORIES, rng.randint(1, 3))
        words = rng.sample(WORDS_DA, 4) + rng.sample(WORDS_EN, 3)
        rng.shuffle(words)
        out.writerow([
            name, next(numbers), rng.choice(FORMS), rng.choice(MUNICIPALITIES),
            f"https://company{index}.example", rng.choice(SIZES), rng.randint(1990, 2025),
            "Fictional company for benchmarks: " + " ".join(words[:4]), ";".join(categories),
            f"{name.split()[0]} {rng.choice(['Monitor', 'Connect', 'Home', 'Insight', 'Rehab'])}",
            " ".join(words), ";".join(categories[:2]), ";".join(rng.sample(TARGETS, 2)),
            rng.randint(3, 9), rng.choice(DEVICES), ";".join(rng.sample(STANDARDS, 2)),
        ])


if __name__ == "__main__":
    main()
