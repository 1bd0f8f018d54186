# SPDX-License-Identifier: Apache-2.0
# triage_warnings: the project's warning set, linked PRIVATE into every target.
add_library(triage_warnings INTERFACE)
target_compile_options(triage_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(TRIAGE_WERROR)
  target_compile_options(triage_warnings INTERFACE -Werror)
endif()
