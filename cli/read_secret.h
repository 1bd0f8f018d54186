// SPDX-License-Identifier: Apache-2.0
// Secrets for the long-running commands (`serve`'s tokens, `worker`'s Redis password): read from
// a file or an environment variable, never from the command line, which `ps` shows to every
// user of the machine.
#ifndef TRIAGE_CLI_READ_SECRET_H_
#define TRIAGE_CLI_READ_SECRET_H_

#include <string>

#include "triage/status.h"

namespace triage::cli {

// Reads a secret (`what`: "the bearer token") from `file` or, without one, the environment
// variable `env_name` (as `triage filter --sender-secret-file` does). Sets *secret ("" when
// neither gives one). Returns InvalidArgument when the file is unreadable or empty, or the secret
// holds white space.
Status ReadSecret(const std::string& file, const char* env_name, const std::string& what,
                  std::string* secret);

}  // namespace triage::cli

#endif  // TRIAGE_CLI_READ_SECRET_H_
