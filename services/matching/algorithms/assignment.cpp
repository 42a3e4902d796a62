/*
 * assignment.cpp - the optimal test-bed assignment as a minimum-cost flow,
 * solved by LEMON's network simplex (Debian's liblemon-dev, header-only).
 * This one C++ file exposes the plain C function of assignment.h; no C++
 * exception crosses into C.
 *
 *   source --1--> solution --1, cost -fit--> test bed --capacity--> sink
 *   source ------------------- bypass, cost 0 ----------------------> sink
 *
 * Every solution sends its one unit either through a test bed or along the
 * bypass, so the cheapest flow is the assignment of greatest total fit; a
 * solution stays unassigned when no place is worth more to the total.
 */
/* LEMON's SmartDigraph appends nodes whose plain fields it fills right
 * after; GCC 12 sees the copy of the not-yet-filled struct and warns. The
 * warning is about LEMON's code, not ours. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <new>
#include <vector>

extern "C" {
#include "assignment.h"
#include "test_bed_pairs.h"
}

namespace
{

typedef lemon::SmartDigraph Graph;
typedef lemon::NetworkSimplex<Graph, int64_t, int64_t> Solver;

chc_status check(const assignment_problem *problem, chc_error *error)
{
	if (problem->pair_count > 0 && problem->pair_fit == nullptr)
		return chc_error_set(error, CHC_INVALID_ARGUMENT, "pairs without their arrays");
	return test_bed_pairs_check(problem->solution_count, problem->test_bed_count,
	                            problem->capacity, problem->pair_count, problem->pair_solution,
	                            problem->pair_test_bed, problem->pair_fit, error);
}

chc_status solve(const assignment_problem *problem, int *assigned_pair, int64_t *total_fit,
                 chc_error *error)
{
	const int solutions = problem->solution_count;
	const int test_beds = problem->test_bed_count;
	Graph graph;
	graph.reserveNode(solutions + test_beds + 2);
	graph.reserveArc(static_cast<int>(problem->pair_count) + solutions + test_beds + 1);
	Graph::Node source = graph.addNode();
	Graph::Node sink = graph.addNode();
	std::vector<Graph::Node> solution_nodes(solutions);
	std::vector<Graph::Node> test_bed_nodes(test_beds);
	for (int s = 0; s < solutions; s++)
		solution_nodes[s] = graph.addNode();
	for (int t = 0; t < test_beds; t++)
		test_bed_nodes[t] = graph.addNode();
	Graph::ArcMap<int64_t> capacity(graph), cost(graph);
	for (int s = 0; s < solutions; s++) {
		Graph::Arc arc = graph.addArc(source, solution_nodes[s]);
		capacity[arc] = 1;
		cost[arc] = 0;
	}
	/* Pair arcs are added in pair order: pair i is arc first_pair + i. */
	int first_pair = -1;
	for (size_t i = 0; i < problem->pair_count; i++) {
		Graph::Arc arc = graph.addArc(solution_nodes[problem->pair_solution[i]],
		                              test_bed_nodes[problem->pair_test_bed[i]]);
		if (i == 0)
			first_pair = graph.id(arc);
		capacity[arc] = 1;
		cost[arc] = -problem->pair_fit[i];
	}
	for (int t = 0; t < test_beds; t++) {
		Graph::Arc arc = graph.addArc(test_bed_nodes[t], sink);
		capacity[arc] = problem->capacity[t];
		cost[arc] = 0;
	}
	Graph::Arc bypass = graph.addArc(source, sink);
	capacity[bypass] = solutions;
	cost[bypass] = 0;

	Solver solver(graph);
	solver.upperMap(capacity).costMap(cost).stSupply(source, sink, solutions);
	Solver::ProblemType outcome = solver.run();
	if (outcome != Solver::OPTIMAL)
		return chc_error_set(error, CHC_INTERNAL,
		                     "the network simplex found no optimum (outcome %d)",
		                     static_cast<int>(outcome));
	for (int s = 0; s < solutions; s++)
		assigned_pair[s] = -1;
	int64_t total = 0;
	for (size_t i = 0; i < problem->pair_count; i++) {
		if (solver.flow(graph.arcFromId(first_pair + static_cast<int>(i))) > 0) {
			assigned_pair[problem->pair_solution[i]] = static_cast<int>(i);
			total += problem->pair_fit[i];
		}
	}
	*total_fit = total;
	return CHC_OK;
}

} // namespace

#pragma GCC diagnostic pop

extern "C" chc_status assignment_solve(const assignment_problem *problem, int *assigned_pair,
                                       int64_t *total_fit, chc_error *error)
{
	chc_status status = check(problem, error);
	if (status != CHC_OK)
		return status;
	try {
		return solve(problem, assigned_pair, total_fit, error);
	} catch (const std::bad_alloc &) {
		return chc_error_set(error, CHC_RESOURCE_EXHAUSTED, "out of memory");
	} catch (...) {
		return chc_error_set(error, CHC_INTERNAL, "the solver failed");
	}
}
