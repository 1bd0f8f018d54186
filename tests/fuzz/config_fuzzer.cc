// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: one triage.yaml through LoadConfig, then rendering of every diagnostic.
#include <cstddef>
#include <cstdint>
#include <string>

#include "triage/config.h"
#include "triage/diagnostic.h"
#include "triage/source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  triage::SourceManager sources;
  triage::Diagnostics diagnostics;
  const triage::FileId file =
      sources.AddFile("triage.yaml", std::string(reinterpret_cast<const char*>(data), size));
  auto config = triage::LoadConfig(sources, file, &diagnostics);
  (void)config.ok();
  (void)triage::RenderDiagnostics(diagnostics, sources);
  return 0;
}
