/*
 * readiness.h - the answer /readyz and chc.v1.Health/Check give, kept up to
 * date by a thread of its own.
 *
 * A probe must not wait on the database: a load balancer polls it from
 * nng's HTTP threads, and a database that stopped answering would hold
 * them (and every probe behind them) for a connect timeout each. The thread
 * checks every interval; a probe reads the last result at once.
 */
#ifndef CORE_READINESS_H
#define CORE_READINESS_H

#include "chc/status.h"

typedef struct core_readiness core_readiness;

/* Says whether the service can serve: CHC_OK, or a status with a reason. */
typedef chc_status (*core_readiness_check)(void *data, chc_error *error);

/*
 * Runs check once now (so the first probe has a true answer) and then every
 * interval_ms on its own thread. Returns CHC_OK or CHC_RESOURCE_EXHAUSTED.
 */
chc_status core_readiness_start(core_readiness_check check, void *data, int interval_ms,
                                core_readiness **readiness, chc_error *error);

/* The last check's status, its reason copied into error; never blocks on
 * the check itself. */
chc_status core_readiness_last(core_readiness *readiness, chc_error *error);

/* Stops the thread and frees; accepts NULL. */
void core_readiness_stop(core_readiness *readiness);

#endif /* CORE_READINESS_H */
