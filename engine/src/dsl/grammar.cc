// SPDX-License-Identifier: Apache-2.0
// The single instantiation of the grammar, for the Iterator and Context of grammar_config.h.
#include "dsl/grammar_def.h"

namespace triage::dsl {

BOOST_SPIRIT_INSTANTIATE(DeclRule, Iterator, Context)

}  // namespace triage::dsl
