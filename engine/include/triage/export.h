// SPDX-License-Identifier: Apache-2.0
// Symbol visibility for the public API. The library is built static by default, where the macro
// is empty; it exists so that a shared build can mark the API without touching every header.
#ifndef TRIAGE_EXPORT_H_
#define TRIAGE_EXPORT_H_

#ifndef TRIAGE_EXPORT
#define TRIAGE_EXPORT
#endif

#endif  // TRIAGE_EXPORT_H_
