# SPDX-License-Identifier: Apache-2.0
# Finds the Debian 12 packages the engine builds with and gives each one a target.
find_package(Boost 1.74 REQUIRED)
find_package(yaml-cpp REQUIRED)
if(TARGET yaml-cpp::yaml-cpp)
  set(TRIAGE_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(TRIAGE_YAML_TARGET yaml-cpp)  # yaml-cpp 0.7 exports a plain target
endif()
find_package(re2 CONFIG QUIET)
if(TARGET re2::re2)
  set(TRIAGE_RE2_TARGET re2::re2)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
  set(TRIAGE_RE2_TARGET PkgConfig::RE2)
endif()
find_package(simdjson REQUIRED)
find_package(RapidJSON QUIET)  # header-only; only the include path is needed
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(SQLite3 REQUIRED)
find_package(Threads REQUIRED)
