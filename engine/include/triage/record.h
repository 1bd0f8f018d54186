// SPDX-License-Identifier: Apache-2.0
// Record: one report or SMS as logical fields, for callers that already hold the data parsed
// (a database row, a message object). Records arriving as JSON text go straight to
// Scanner::ScanJson, which maps them with the config's field paths without building a Record.
#ifndef TRIAGE_RECORD_H_
#define TRIAGE_RECORD_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "triage/export.h"

namespace triage {

// A value of a logical field.
using FieldValue = std::variant<std::string, double, bool>;

// Logical field name -> values (a multi-valued field holds several). Thread-compatible.
class TRIAGE_EXPORT Record {
 public:
  Record() = default;

  // Appends a value to field `name` ("text", "victim.age"). Returns *this for chaining.
  Record& Add(std::string name, std::string value);
  Record& Add(std::string name, const char* value) { return Add(std::move(name), std::string(value)); }
  Record& Add(std::string name, double value);
  Record& Add(std::string name, int value) { return Add(std::move(name), static_cast<double>(value)); }
  Record& Add(std::string name, bool value);

  // Returns the values of field `name` (empty if absent), in insertion order.
  std::vector<const FieldValue*> Get(std::string_view name) const;
  const std::vector<std::pair<std::string, FieldValue>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, FieldValue>> entries_;
};

}  // namespace triage

#endif  // TRIAGE_RECORD_H_
