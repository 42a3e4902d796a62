/*
 * find_needs.c - a partner's first libchc program: search the published
 * needs of municipalities and regions for words, and print what it finds.
 *
 *   cc find_needs.c $(pkg-config --cflags --libs chc) -o find_needs
 *   ./find_needs "hjemmemonitorering KOL"
 */
#include <stdio.h>

#include "chc/chc.h"
#include "chc/v1/municipalities.pb-c.h"

int main(int argc, char **argv)
{
	const char *words = argc > 1 ? argv[1] : "remote monitoring";
	chc_client *client = NULL;
	chc_error error;
	chc_error_init(&error);
	if (chc_client_create(NULL, &client, &error) != CHC_OK) {
		fprintf(stderr, "find_needs: %s\n", error.message);
		chc_error_fini(&error);
		return 1;
	}
	/* The generated stub, bound to libchc's transport. */
	chc_stub stub;
	chc_stub_init(&stub, client, &chc__v1__municipality_service__descriptor, NULL);
	Chc__V1__SearchNeedsRequest request = CHC__V1__SEARCH_NEEDS_REQUEST__INIT;
	request.query = (char *)words;
	Chc__V1__SearchNeedsResponse *reply = NULL;
	chc__v1__municipality_service__search_needs(
	        &stub.base, &request, (Chc__V1__SearchNeedsResponse_Closure)chc_stub_keep_reply,
	        &reply);
	int exit_status = 0;
	if (stub.status != CHC_OK) {
		fprintf(stderr, "find_needs: %s: %s\n", chc_status_name(stub.status),
		        stub.error.message);
		exit_status = 1;
	} else {
		for (size_t i = 0; i < reply->n_needs; i++)
			printf("%.3f  %s  %s\n", reply->ranks[i], reply->needs[i]->deadline,
			       reply->needs[i]->title);
		printf("%zu needs match \"%s\"\n", reply->n_needs, words);
		chc__v1__search_needs_response__free_unpacked(reply, NULL);
	}
	chc_stub_fini(&stub);
	chc_client_destroy(client);
	return exit_status;
}
