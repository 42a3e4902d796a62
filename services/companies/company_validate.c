/*
 * company_validate.c - the rules for a company's fields.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "companies.h"
#include "validate.h"

bool companies_cvr_is_valid(const char *cvr)
{
	static const int weights[8] = { 2, 7, 6, 5, 4, 3, 2, 1 };
	if (strlen(cvr) != 8 || strspn(cvr, "0123456789") != 8 || cvr[0] == '0')
		return false;
	int sum = 0;
	for (int i = 0; i < 8; i++)
		sum += (cvr[i] - '0') * weights[i];
	return sum % 11 == 0;
}

static bool is_country_code(const char *text)
{
	return strlen(text) == 2 && isupper((unsigned char)text[0]) &&
	       isupper((unsigned char)text[1]);
}

bool company_validate(core_request *request, const Chc__V1__Company *company)
{
	core_check_text(request, "company.name", company->name, 2, 200);
	if (company->cvr[0] != '\0') {
		if (!companies_cvr_is_valid(company->cvr))
			core_violation(request, "company.cvr",
			               "must be 8 digits with a valid modulus-11 check digit");
		if (company->country[0] != '\0' && strcmp(company->country, "DK") != 0)
			core_violation(request, "company.country",
			               "a company with a CVR number is Danish (DK)");
	} else {
		if (!is_country_code(company->country) || strcmp(company->country, "DK") == 0)
			core_violation(request, "company.cvr",
			               "is required for a Danish company; a foreign one gives "
			               "country (ISO 3166 code) and vat_number instead");
		else if (core_check_text(request, "company.vat_number", company->vat_number, 4,
		                         20) &&
		         strspn(company->vat_number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
		                 strlen(company->vat_number))
			core_violation(request, "company.vat_number",
			               "must be capital letters and digits");
	}
	core_check_text(request, "company.legal_form", company->legal_form, 0, 40);
	core_check_text(request, "company.address", company->address, 0, 300);
	if (core_check_text(request, "company.website", company->website, 0, 300) &&
	    company->website[0] != '\0' && strncmp(company->website, "https://", 8) != 0 &&
	    strncmp(company->website, "http://", 7) != 0)
		core_violation(request, "company.website", "must start with https:// or http://");
	core_check_enum(request, "company.size_class", &chc__v1__size_class__descriptor,
	                company->size_class, false);
	if (company->founded_year != 0) {
		time_t now = time(NULL);
		struct tm local;
		localtime_r(&now, &local);
		core_check_range(request, "company.founded_year", company->founded_year, 1600,
		                 local.tm_year + 1900);
	}
	core_check_text(request, "company.description", company->description, 0, 5000);
	if (company->n_categories > 16)
		core_violation(request, "company.categories", "at most 16 categories");
	for (size_t i = 0; i < company->n_categories && i < 16; i++) {
		char field[48];
		snprintf(field, sizeof(field), "company.categories[%zu]", i);
		core_check_enum(request, field, &chc__v1__care_category__descriptor,
		                company->categories[i], true);
		for (size_t k = 0; k < i; k++)
			if (company->categories[k] == company->categories[i])
				core_violation(request, field, "repeats category %zu", k);
	}
	core_check_enum(request, "company.status", &chc__v1__company_status__descriptor,
	                company->status, false);
	return !core_failed(request);
}
