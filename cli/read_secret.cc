// SPDX-License-Identifier: Apache-2.0
// ReadSecret (read_secret.h).

#include "read_secret.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/stat.h>

namespace triage::cli {

Status ReadSecret(const std::string& file, const char* env_name, const std::string& what,
                  std::string* secret) {
  const char* env = std::getenv(env_name);
  const bool from_env = env != nullptr && *env != '\0';
  if (file.empty()) {
    if (from_env) *secret = env;
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::InvalidArgument("cannot read " + what + " from '" + file + "'");
    secret->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    struct stat info {};
    if (stat(file.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      std::fprintf(stderr, "triage: warning: '%s' (%s) can be read by other users (chmod 600)\n",
                   file.c_str(), what.c_str());
    }
  }
  while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r' ||
                              secret->back() == ' ' || secret->back() == '\t')) {
    secret->pop_back();
  }
  if (!file.empty() && secret->empty()) {
    return Status::InvalidArgument("'" + file + "' holds no " + what);
  }
  if (secret->find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument(what + " must not contain white space");
  }
  return Status::Ok();
}

}  // namespace triage::cli
