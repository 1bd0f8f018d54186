// SPDX-License-Identifier: Apache-2.0
// The field table and type inference. Logical fields are the defaults (DefaultFieldMappings),
// extended or replaced by the config's `fields:`, each with its JSON paths. A field enters the
// Program when something reads it: the record id and the fields that thread SMS conversations
// always, the others when a rule names one. A field's type is what the config declares, else
// what its first use makes it (a match reads text, a numeric comparison a number, `== true` a
// boolean); a use of another type is a field-type-conflict, reported at that use with a note at
// the first (docs/rules.md section 6.3). Uses arrive in source order, rule by rule, as the
// conditions resolve (compile/resolve.h), so the first use is the first written.
// Not thread-safe (one per compilation).
#ifndef TRIAGE_COMPILE_FIELD_TYPES_H_
#define TRIAGE_COMPILE_FIELD_TYPES_H_

#include <map>
#include <string>
#include <vector>

#include "triage/config.h"
#include "triage/source.h"

#include "compile/program.h"
#include "compile/reporter.h"
#include "dsl/ast.h"

namespace triage::internal {

namespace ast = dsl::ast;

class FieldTable {
 public:
  // Builds the table from the defaults and `config`'s mappings (bad-field-path for a malformed
  // JSON path) and enters the always-read fields into *program (Program::id_field,
  // Program::conversation_fields, Program::fallback_field). `config`, *program and *reporter
  // outlive the table.
  FieldTable(const EngineConfig& config, Program* program, Reporter* reporter);

  // Resolves `ref`, written in `file`, read as `use` (kAny: presence only). Returns the field's
  // index in Program::fields, entering it on first use; -1 after reporting unknown-field (with a
  // did-you-mean note) or field-type-conflict.
  int Resolve(const ast::FieldRef& ref, ValueType use, FileId file);

  // True if `name` is a logical field (for the hints of other passes).
  bool Has(const std::string& name) const { return fields_.count(name) != 0; }

  // Gives every field of the Program its final type: declared, else inferred, else kAny.
  void Finish();

 private:
  struct Info {
    std::string name;
    std::vector<std::string> paths;
    ValueType declared = ValueType::kAny;
    // The type of the first typed use and where it was, for conflict messages.
    ValueType used_as = ValueType::kAny;
    FileId use_file;
    SourceSpan use_span;
    int index = -1;  // in Program::fields, once used
  };

  int Use(Info* info);

  Program* program_;
  Reporter* reporter_;
  std::map<std::string, Info> fields_;
  std::vector<Info*> used_;  // in Program::fields order
};

// Parses a JSON path ("victims[*].age") into steps. Returns false if malformed.
bool ParseJsonPath(const std::string& text, std::vector<PathStep>* steps);

}  // namespace triage::internal

#endif  // TRIAGE_COMPILE_FIELD_TYPES_H_
