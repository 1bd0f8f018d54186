// SPDX-License-Identifier: Apache-2.0
// The engine version string. CMake defines TRIAGE_VERSION_STRING from the project version for the
// triage_engine target only, so this is the single translation unit that sees it; everything else
// (decisions, the CLI's --version) asks EngineVersion().
#include "triage/version.h"

#ifndef TRIAGE_VERSION_STRING
#error "TRIAGE_VERSION_STRING must be defined by the build (see engine/CMakeLists.txt)"
#endif

namespace triage {

const char* EngineVersion() { return TRIAGE_VERSION_STRING; }

}  // namespace triage
