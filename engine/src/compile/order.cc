// SPDX-License-Identifier: Apache-2.0
// The order pass (compile/order.h).
#include "compile/order.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace triage::internal {

std::vector<int> OrderRules(const std::vector<RuleInfo>& rules, Reporter* reporter) {
  const int n = static_cast<int>(rules.size());
  // Cycle detection by DFS, reporting each cycle once at its first rule.
  std::vector<int> color(n, 0);
  std::vector<int> stack;
  bool cyclic = false;
  std::function<void(int)> visit = [&](int u) {
    color[u] = 1;
    stack.push_back(u);
    for (int v : rules[u].refs) {
      if (color[v] == 1) {
        cyclic = true;
        std::string path;
        auto from = std::find(stack.begin(), stack.end(), v);
        for (auto it = from; it != stack.end(); ++it) path += rules[*it].decl->name.name + " -> ";
        path += rules[v].decl->name.name;
        reporter->Error("rule-cycle", "rules refer to each other in a cycle: " + path,
                        rules[v].file, rules[v].decl->name.span);
      } else if (color[v] == 0) {
        visit(v);
      }
    }
    stack.pop_back();
    color[u] = 2;
  };
  for (int i = 0; i < n; ++i) {
    if (color[i] == 0) visit(i);
  }
  std::vector<int> position(n, -1);
  if (cyclic) {
    for (int i = 0; i < n; ++i) position[i] = i;
    return position;
  }
  // Kahn's algorithm, smallest declaration index first: stable topological order.
  std::vector<int> pending(n, 0);
  std::vector<std::vector<int>> dependents(n);
  for (int i = 0; i < n; ++i) {
    pending[i] = static_cast<int>(rules[i].refs.size());
    for (int r : rules[i].refs) dependents[r].push_back(i);
  }
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (int i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.push(i);
  }
  int next = 0;
  while (!ready.empty()) {
    const int u = ready.top();
    ready.pop();
    position[u] = next++;
    for (int v : dependents[u]) {
      if (--pending[v] == 0) ready.push(v);
    }
  }
  return position;
}

void PlaceRules(const std::vector<int>& position, std::vector<CompiledRule> rules,
                Program* program) {
  program->rules.assign(rules.size(), CompiledRule());
  for (size_t i = 0; i < rules.size(); ++i) program->rules[position[i]] = std::move(rules[i]);
  for (ExprNode& node : program->nodes) {
    if (node.op == NodeOp::kRuleRef && node.a >= 0) node.a = position[node.a];
  }
}

}  // namespace triage::internal
