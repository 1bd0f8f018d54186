// SPDX-License-Identifier: Apache-2.0
// Reading labels files (eval_labels.h); each line is parsed by triage::LabelParser.

#include "eval_labels.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "triage/config.h"
#include "triage/labels.h"
#include "triage/status.h"

namespace triage::cli {
namespace {

// Blank as `triage filter` defines it: empty or only spaces, tabs and carriage returns.
bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace

Status LoadLabels(const std::string& path, const EngineConfig& config,
                  const std::vector<std::string>& categories, LabelSet* labels) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("cannot open labels '" + path + "': " + std::strerror(errno));
  }
  LabelParser parser(config, categories);
  std::string text;
  uint64_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (IsBlank(text)) continue;
    const Status status = parser.Add(text, number, labels);
    if (!status.ok()) {
      std::fprintf(stderr, "%s:%llu: error: %s [%s]\n", path.c_str(),
                   static_cast<unsigned long long>(number), status.message().c_str(),
                   status.record_code().c_str());
      ++labels->errors;
    }
  }
  if (in.bad()) return Status::IoError("reading labels '" + path + "' failed");
  return Status::Ok();
}

}  // namespace triage::cli
