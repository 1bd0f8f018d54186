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
# The CyberTipline report adapter (engine/src/adapters) parses XML with pugixml (libpugixml-dev).
find_package(pugixml REQUIRED)
find_package(Threads REQUIRED)
# Text analysis: ICU for normalisation, segmentation and confusables; Snowball for stems.
find_package(ICU 72 REQUIRED COMPONENTS uc i18n)
# Snowball's libstemmer has neither a CMake config nor a pkg-config file (Debian's
# libstemmer-dev ships the header and the library only), so it gets an IMPORTED target here;
# triageConfig.cmake.in defines the same target for consumers of the installed static library.
find_path(TRIAGE_STEMMER_INCLUDE_DIR libstemmer.h)
find_library(TRIAGE_STEMMER_LIBRARY NAMES stemmer)
if(NOT TRIAGE_STEMMER_INCLUDE_DIR OR NOT TRIAGE_STEMMER_LIBRARY)
  message(FATAL_ERROR "libstemmer (Snowball) not found: install libstemmer-dev")
endif()
if(NOT TARGET Triage::Stemmer)
  add_library(Triage::Stemmer UNKNOWN IMPORTED)
  set_target_properties(Triage::Stemmer PROPERTIES
    IMPORTED_LOCATION "${TRIAGE_STEMMER_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${TRIAGE_STEMMER_INCLUDE_DIR}")
endif()
