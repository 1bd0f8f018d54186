// SPDX-License-Identifier: Apache-2.0
// Record: a flat list of (logical field name, value) entries in insertion order. A multi-valued
// field is simply several entries with the same name; Get() collects them. Records built by hand
// are small (a handful of fields), so a linear scan beats any index here.
#include "triage/record.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace triage {

Record& Record::Add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), FieldValue(std::move(value)));
  return *this;
}

Record& Record::Add(std::string name, double value) {
  entries_.emplace_back(std::move(name), FieldValue(value));
  return *this;
}

Record& Record::Add(std::string name, bool value) {
  entries_.emplace_back(std::move(name), FieldValue(value));
  return *this;
}

std::vector<const FieldValue*> Record::Get(std::string_view name) const {
  std::vector<const FieldValue*> values;
  for (const auto& [field, value] : entries_) {
    if (field == name) values.push_back(&value);
  }
  return values;
}

}  // namespace triage
