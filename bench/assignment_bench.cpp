/*
 * assignment_bench.cpp - the test-bed assignment against its limits, on one
 * seeded instance shaped like the real one (each solution fits about 36 of
 * the test beds; capacities 20 to 60; fits 1 to 1000), all in one run:
 *
 *   chc-bench-assignment [--solutions 20000] [--test-beds 500] [--glpk]
 *
 * - ours: assignment_solve, what the matching service calls (graph built
 *   from the pair arrays, solved, read back);
 * - LEMON: the network simplex alone on a prebuilt graph (the raw limit);
 * - GLPK: the same instance as a linear programme, solved by glpsol
 *   (--glpk: minutes at the default size);
 * - stable matching (deferred acceptance) on the same pairs.
 *
 * Prints one JSON line per figure and checks that the optima agree.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>
#pragma GCC diagnostic pop

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" {
#include "assignment.h"
#include "stable.h"
}

namespace
{

struct instance {
	int solutions = 20000;
	int test_beds = 500;
	std::vector<int> capacity;
	std::vector<int> pair_solution, pair_test_bed;
	std::vector<int64_t> pair_fit, test_bed_key;
};

void make(instance &made, unsigned seed)
{
	std::mt19937 random(seed);
	made.capacity.resize(made.test_beds);
	for (int &c : made.capacity)
		c = 20 + static_cast<int>(random() % 41);
	/* ~36 test beds per solution: 726,000 pairs at 20,000 solutions. */
	for (int s = 0; s < made.solutions; s++)
		for (int t = 0; t < made.test_beds; t++)
			if (random() % static_cast<unsigned>(made.test_beds) < 36) {
				made.pair_solution.push_back(s);
				made.pair_test_bed.push_back(t);
				made.pair_fit.push_back(1 + static_cast<int64_t>(random() % 1000));
				made.test_bed_key.push_back(static_cast<int64_t>(random() % 1000));
			}
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t lemon_alone(const instance &made, double *seconds)
{
	typedef lemon::SmartDigraph Graph;
	Graph graph;
	graph.reserveNode(made.solutions + made.test_beds + 2);
	graph.reserveArc(static_cast<int>(made.pair_fit.size()) + made.solutions + made.test_beds +
	                 1);
	Graph::Node source = graph.addNode(), sink = graph.addNode();
	std::vector<Graph::Node> solution(made.solutions), test_bed(made.test_beds);
	for (auto &node : solution)
		node = graph.addNode();
	for (auto &node : test_bed)
		node = graph.addNode();
	Graph::ArcMap<int64_t> upper(graph), cost(graph);
	for (int s = 0; s < made.solutions; s++) {
		Graph::Arc arc = graph.addArc(source, solution[s]);
		upper[arc] = 1;
		cost[arc] = 0;
	}
	std::vector<Graph::Arc> pairs(made.pair_fit.size());
	for (size_t i = 0; i < made.pair_fit.size(); i++) {
		pairs[i] = graph.addArc(solution[made.pair_solution[i]],
		                        test_bed[made.pair_test_bed[i]]);
		upper[pairs[i]] = 1;
		cost[pairs[i]] = -made.pair_fit[i];
	}
	for (int t = 0; t < made.test_beds; t++) {
		Graph::Arc arc = graph.addArc(test_bed[t], sink);
		upper[arc] = made.capacity[t];
		cost[arc] = 0;
	}
	Graph::Arc bypass = graph.addArc(source, sink);
	upper[bypass] = made.solutions;
	cost[bypass] = 0;
	lemon::NetworkSimplex<Graph, int64_t, int64_t> solver(graph);
	solver.upperMap(upper).costMap(cost).stSupply(source, sink, made.solutions);
	auto start = std::chrono::steady_clock::now();
	solver.run();
	*seconds = seconds_since(start);
	return -solver.totalCost();
}

/* The LP in CPLEX LP format, timed in glpsol. */
int64_t glpk(const instance &made, double *seconds)
{
	char path[] = "/tmp/chc-bench-assignment-XXXXXX";
	int descriptor = mkstemp(path);
	if (descriptor < 0)
		return -1;
	FILE *lp = fdopen(descriptor, "w");
	std::fprintf(lp, "Maximize\n obj:");
	for (size_t i = 0; i < made.pair_fit.size(); i++)
		std::fprintf(lp, " + %lld x%zu\n", static_cast<long long>(made.pair_fit[i]), i);
	std::fprintf(lp, "Subject To\n");
	std::vector<std::vector<size_t>> of_solution(made.solutions), of_test_bed(made.test_beds);
	for (size_t i = 0; i < made.pair_fit.size(); i++) {
		of_solution[made.pair_solution[i]].push_back(i);
		of_test_bed[made.pair_test_bed[i]].push_back(i);
	}
	for (const auto &row : of_solution) {
		if (row.empty())
			continue;
		for (size_t i : row)
			std::fprintf(lp, " + x%zu", i);
		std::fprintf(lp, " <= 1\n");
	}
	for (int t = 0; t < made.test_beds; t++) {
		if (of_test_bed[t].empty())
			continue;
		for (size_t i : of_test_bed[t])
			std::fprintf(lp, " + x%zu\n", i);
		std::fprintf(lp, " <= %d\n", made.capacity[t]);
	}
	std::fprintf(lp, "Bounds\n");
	for (size_t i = 0; i < made.pair_fit.size(); i++)
		std::fprintf(lp, " 0 <= x%zu <= 1\n", i);
	std::fprintf(lp, "End\n");
	std::fclose(lp);
	std::string command = std::string("glpsol --lp ") + path + " --output /dev/stdout 2>&1";
	auto start = std::chrono::steady_clock::now();
	FILE *output = popen(command.c_str(), "r");
	char line[512];
	double optimum = -1;
	while (output != nullptr && std::fgets(line, sizeof(line), output) != nullptr) {
		double value = 0;
		if (std::sscanf(line, "Objective:  obj = %lf", &value) == 1)
			optimum = value;
	}
	if (output != nullptr)
		pclose(output);
	*seconds = seconds_since(start);
	unlink(path);
	return static_cast<int64_t>(optimum + 0.5);
}

} // namespace

int main(int argc, char **argv)
{
	instance made;
	bool run_glpk = false;
	for (int i = 1; i < argc; i++) {
		if (std::strcmp(argv[i], "--solutions") == 0 && i + 1 < argc)
			made.solutions = std::atoi(argv[++i]);
		else if (std::strcmp(argv[i], "--test-beds") == 0 && i + 1 < argc)
			made.test_beds = std::atoi(argv[++i]);
		else if (std::strcmp(argv[i], "--glpk") == 0)
			run_glpk = true;
		else {
			std::fprintf(stderr,
			             "usage: chc-bench-assignment [--solutions N] [--test-beds N] "
			             "[--glpk]\n");
			return 2;
		}
	}
	make(made, 20261125);
	std::printf("{\"solutions\":%d,\"test_beds\":%d,\"pairs\":%zu}\n", made.solutions,
	            made.test_beds, made.pair_fit.size());
	std::vector<int> assigned(made.solutions + 1);
	assignment_problem problem = { made.solutions,
		                       made.test_beds,
		                       made.capacity.data(),
		                       made.pair_fit.size(),
		                       made.pair_solution.data(),
		                       made.pair_test_bed.data(),
		                       made.pair_fit.data() };
	int64_t ours = 0;
	auto start = std::chrono::steady_clock::now();
	chc_status status = assignment_solve(&problem, assigned.data(), &ours, nullptr);
	double ours_seconds = seconds_since(start);
	double lemon_seconds = 0;
	int64_t lemon = lemon_alone(made, &lemon_seconds);
	std::printf("{\"solver\":\"chc assignment_solve\",\"seconds\":%.3f,\"objective\":%lld,"
	            "\"status\":%d}\n",
	            ours_seconds, static_cast<long long>(ours), status);
	std::printf(
	        "{\"solver\":\"LEMON network simplex alone\",\"seconds\":%.3f,\"objective\":%lld}"
	        "\n",
	        lemon_seconds, static_cast<long long>(lemon));
	std::printf("{\"ratio_to_lemon\":%.2f,\"optimal\":%s}\n", ours_seconds / lemon_seconds,
	            ours == lemon ? "true" : "false");
	stable_problem stable = { made.solutions,
		                  made.test_beds,
		                  made.capacity.data(),
		                  made.pair_fit.size(),
		                  made.pair_solution.data(),
		                  made.pair_test_bed.data(),
		                  made.pair_fit.data(),
		                  made.test_bed_key.data() };
	start = std::chrono::steady_clock::now();
	status = stable_match(&stable, assigned.data(), nullptr);
	double stable_seconds = seconds_since(start);
	size_t blocking = 0;
	bool is_stable = !stable_find_blocking_pair(&stable, assigned.data(), &blocking);
	std::printf("{\"solver\":\"chc stable_match (deferred acceptance)\",\"seconds\":%.3f,"
	            "\"stable\":%s}\n",
	            stable_seconds, is_stable ? "true" : "false");
	if (run_glpk) {
		double glpk_seconds = 0;
		int64_t lp = glpk(made, &glpk_seconds);
		std::printf(
		        "{\"solver\":\"GLPK glpsol (LP simplex)\",\"seconds\":%.1f,\"objective\":"
		        "%lld,\"agrees\":%s}\n",
		        glpk_seconds, static_cast<long long>(lp), lp == ours ? "true" : "false");
	}
	return ours == lemon && is_stable ? 0 : 1;
}
