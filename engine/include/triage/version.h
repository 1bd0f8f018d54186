// SPDX-License-Identifier: Apache-2.0
// The engine's version, carried by every decision.
#ifndef TRIAGE_VERSION_H_
#define TRIAGE_VERSION_H_

#include "triage/export.h"

namespace triage {

// Semantic version of the engine, e.g. "0.1.0".
TRIAGE_EXPORT const char* EngineVersion();

}  // namespace triage

#endif  // TRIAGE_VERSION_H_
