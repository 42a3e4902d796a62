/*
 * algorithm_version.h - the version of the matching algorithms, written into
 * every job and its export: a result can only be compared with one made by
 * the same version.
 */
#ifndef MATCHING_ALGORITHM_VERSION_H
#define MATCHING_ALGORITHM_VERSION_H

/* Raised whenever a change can alter a score, a rank or an assignment. */
#define MATCHING_ALGORITHM_VERSION "chc-matching/1"

/* MATCHING_ALGORITHM_VERSION, for code that links the library. */
const char *matching_algorithm_version(void);

#endif /* MATCHING_ALGORITHM_VERSION_H */
