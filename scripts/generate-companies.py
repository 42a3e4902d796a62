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
             "vest", "øst", "nova", "kvik", "trix", "bio", "data", "link", "sense", "kind", "vej",
             "ren", "alba", "mira", "kor", "tand", "vik", "ro", "sol"]
# Care topics as Danish and English buyers write them. A catalogue of this
# size covers many topics, so each one is in a small share of the texts,
# as in real catalogues; a search for one topic finds hundreds, not tens of
# thousands.
TOPICS_DA = [
    "telemonitorering", "hjemmemonitorering", "faldforebyggelse", "medicinhåndtering",
    "genoptræning", "demensomsorg", "søvnmonitorering", "ernæringsscreening", "sårbehandling",
    "tryghedsopkald", "videokonsultation", "hjertesvigt", "KOL", "diabetes", "graviditet",
    "smertebehandling", "rygestop", "vægttab", "trivsel", "ensomhed", "hjemmetræning",
    "inkontinens", "mobilitet", "tryksår", "kræftrehabilitering", "palliation", "hjerneskade",
    "apopleksi", "astma", "synstab", "høretab", "fysioterapi", "ergoterapi", "plejebolig",
    "hjemmesygepleje", "akutfunktion", "genindlæggelser", "befolkningssundhed", "sundhedsdata",
    "forskningsdata", "dosisdispensering", "blodtryk", "iltmætning", "blodsukker",
    "aktivitetsmåling", "gangfunktion", "balancetræning", "kognitiv", "angst", "depression",
    "stress", "misbrug", "børnesundhed", "skolesundhed", "tandpleje", "vaccination",
    "screening", "triage", "epilepsi", "parkinson", "sklerose", "gigt", "osteoporose",
    "nyresygdom", "dialyse", "stomi", "katetre", "væskebalance", "delirium", "hukommelse",
]
TOPICS_EN = [
    "telehealth", "remote monitoring", "fall detection", "medication adherence",
    "rehabilitation", "dementia care", "sleep tracking", "nutrition", "wound care",
    "video consultation", "heart failure", "COPD", "diabetes", "pregnancy", "pain management",
    "smoking cessation", "obesity", "loneliness", "home training", "incontinence",
    "cancer rehabilitation", "palliative care", "stroke", "asthma", "hearing loss",
    "physiotherapy", "readmissions", "population health", "health analytics",
    "clinical trials", "patient reported outcomes", "blood pressure", "oxygen saturation",
    "glucose", "activity tracking", "gait analysis", "cognitive training", "anxiety",
    "depression", "addiction", "child health", "vaccination", "screening", "triage",
    "epilepsy", "parkinson", "multiple sclerosis", "arthritis", "kidney disease", "dialysis",
]
FEATURES_DA = ["giver personalet overblik over", "sender alarmer ved ændringer i",
               "lader borgeren selv registrere", "samler målinger om", "understøtter forløb med",
               "forudsiger forværring ved", "planlægger besøg omkring", "dokumenterer"]
FEATURES_EN = ["gives staff an overview of", "alerts on changes in", "lets citizens record",
               "collects measurements on", "supports pathways for", "predicts deterioration in",
               "schedules visits around", "documents"]
SETTINGS_DA = ["i hjemmeplejen", "på plejecentre", "i kommunens sundhedscenter", "efter udskrivelse",
               "i almen praksis", "på hospitalet", "i eget hjem"]
SETTINGS_EN = ["in home care", "in nursing homes", "after discharge", "in general practice",
               "in hospital wards", "at home"]
INTEGRATIONS = ["MedCom", "HL7 FHIR", "FMK", "Sundhedsjournalen", "EPJ", "Cura", "Nexus",
                "Columna", "Sundhedsplatformen", "IHE XDS"]


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
        brand = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        name = f"{brand} {rng.choice(['Health', 'Care', 'Medical', 'Sundhed', 'Tech'])} {index}"
        categories = rng.sample(CATEGORIES, rng.randint(1, 3))
        product = f"{brand} {rng.choice(['Monitor', 'Connect', 'Home', 'Insight', 'Rehab'])}"
        if rng.random() < 0.7:
            first, second = rng.sample(TOPICS_DA, 2)
            text = (f"{product} {rng.choice(FEATURES_DA)} {first} og {second} "
                    f"{rng.choice(SETTINGS_DA)}. Integrerer med {rng.choice(INTEGRATIONS)}.")
        else:
            first, second = rng.sample(TOPICS_EN, 2)
            text = (f"{product} {rng.choice(FEATURES_EN)} {first} and {second} "
                    f"{rng.choice(SETTINGS_EN)}. Integrates with {rng.choice(INTEGRATIONS)}.")
        out.writerow([
            name, next(numbers), rng.choice(FORMS), rng.choice(MUNICIPALITIES),
            f"https://company{index}.example", rng.choice(SIZES), rng.randint(1990, 2025),
            f"Fictional company for benchmarks, working on {first}.", ";".join(categories),
            product, text, ";".join(categories[:2]), ";".join(rng.sample(TARGETS, 2)),
            rng.randint(3, 9), rng.choice(DEVICES), ";".join(rng.sample(STANDARDS, 2)),
        ])


if __name__ == "__main__":
    main()
