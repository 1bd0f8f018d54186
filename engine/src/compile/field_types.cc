// SPDX-License-Identifier: Apache-2.0
// The field table and type inference (compile/field_types.h).
#include "compile/field_types.h"

#include <string>
#include <utility>
#include <vector>

#include "util/spelling.h"

namespace triage::internal {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kAny:
      return "any";
    case ValueType::kText:
      return "text";
    case ValueType::kNumber:
      return "number";
    case ValueType::kBool:
      return "bool";
  }
  return "any";
}

bool ParseJsonPath(const std::string& text, std::vector<PathStep>* steps) {
  steps->clear();
  size_t i = 0;
  const size_t n = text.size();
  if (n == 0) return false;
  while (i < n) {
    // A key.
    size_t start = i;
    while (i < n && text[i] != '.' && text[i] != '[' && text[i] != ']') ++i;
    if (i == start) return false;
    PathStep key;
    key.kind = PathStep::Kind::kKey;
    key.key = text.substr(start, i - start);
    steps->push_back(std::move(key));
    // Any number of [*] / [N].
    while (i < n && text[i] == '[') {
      const size_t close = text.find(']', i);
      if (close == std::string::npos) return false;
      const std::string inner = text.substr(i + 1, close - i - 1);
      PathStep step;
      if (inner == "*") {
        step.kind = PathStep::Kind::kWildcard;
      } else {
        if (inner.empty() || inner.find_first_not_of("0123456789") != std::string::npos ||
            inner.size() > 9) {
          return false;
        }
        step.kind = PathStep::Kind::kIndex;
        step.index = static_cast<size_t>(std::stoul(inner));
      }
      steps->push_back(std::move(step));
      i = close + 1;
    }
    if (i < n) {
      if (text[i] != '.' || i + 1 == n) return false;
      ++i;
    }
  }
  return true;
}

namespace {

ValueType FromConfigType(FieldType type) {
  switch (type) {
    case FieldType::kAuto:
      return ValueType::kAny;
    case FieldType::kText:
      return ValueType::kText;
    case FieldType::kNumber:
      return ValueType::kNumber;
    case FieldType::kBool:
      return ValueType::kBool;
  }
  return ValueType::kAny;
}

}  // namespace

FieldTable::FieldTable(const EngineConfig& config, Program* program, Reporter* reporter)
    : program_(program), reporter_(reporter) {
  for (const FieldMapping& mapping : DefaultFieldMappings()) {
    Info info;
    info.name = mapping.name;
    info.paths = mapping.paths;
    info.declared = FromConfigType(mapping.type);
    fields_[mapping.name] = info;
  }
  for (const FieldMapping& mapping : config.fields) {
    Info info;
    info.name = mapping.name;
    info.paths = mapping.paths;
    info.declared = FromConfigType(mapping.type);
    for (const std::string& path : mapping.paths) {
      std::vector<PathStep> steps;
      if (!ParseJsonPath(path, &steps)) {
        reporter_->Error("bad-field-path", "malformed JSON path '" + path + "'", config.file,
                         mapping.span);
      }
    }
    fields_[mapping.name] = info;
  }
  // The record id is always read, for the decision.
  auto it = fields_.find("id");
  if (it != fields_.end()) program_->id_field = Use(&it->second);
  // So are the fields that thread SMS messages into conversations (conversation_scanner.h).
  const auto use = [this](const std::string& name) {
    auto found = fields_.find(name);
    return found == fields_.end() ? -1 : Use(&found->second);
  };
  ConversationFields& conversation = program_->conversation_fields;
  conversation.kind = use("kind");
  conversation.conversation = use("conversation");
  conversation.from = use("from");
  conversation.to = use("to");
  conversation.received_at = use("received_at");
  conversation.text = use("text");
  // So is the field categories.fallback_by_field reads (its text values), with no type of its
  // own: a value of another type never matches, and no record fails for it.
  if (!config.fallback_by_field.empty()) {
    program_->fallback_field = use(config.fallback_by_field.field);
  }
}

int FieldTable::Use(Info* info) {
  if (info->index >= 0) return info->index;
  Field field;
  field.name = info->name;
  field.path_texts = info->paths;
  for (const std::string& path : info->paths) {
    std::vector<PathStep> steps;
    if (ParseJsonPath(path, &steps)) field.paths.push_back(std::move(steps));
  }
  info->index = static_cast<int>(program_->fields.size());
  program_->fields.push_back(std::move(field));
  used_.push_back(info);
  return info->index;
}

int FieldTable::Resolve(const ast::FieldRef& ref, ValueType use, FileId file) {
  auto it = fields_.find(ref.path);
  if (it == fields_.end()) {
    std::vector<std::string> names;
    for (const auto& [name, info] : fields_) names.push_back(name);
    reporter_->Error("unknown-field", "unknown field '" + ref.path + "'", file, ref.span);
    const std::string best = ClosestName(ref.path, names);
    if (!best.empty()) {
      reporter_->Note("did you mean '" + best + "'?", file, ref.span);
    } else {
      reporter_->Note("fields are mapped in the config's 'fields:' section", file, ref.span);
    }
    return -1;
  }
  Info& info = it->second;
  if (use != ValueType::kAny) {
    if (info.declared != ValueType::kAny && info.declared != use) {
      reporter_->Error("field-type-conflict",
                       "field '" + ref.path + "' is declared " + ValueTypeName(info.declared) +
                           " in the config but used as " + ValueTypeName(use),
                       file, ref.span);
      return -1;
    }
    if (info.used_as != ValueType::kAny && info.used_as != use) {
      reporter_->Error("field-type-conflict",
                       "field '" + ref.path + "' is used as " + ValueTypeName(use) +
                           " here but as " + ValueTypeName(info.used_as) + " elsewhere",
                       file, ref.span);
      reporter_->Note("first used as " + std::string(ValueTypeName(info.used_as)) + " here",
                      info.use_file, info.use_span);
      return -1;
    }
    if (info.used_as == ValueType::kAny) {
      info.used_as = use;
      info.use_file = file;
      info.use_span = ref.span;
    }
  }
  return Use(&info);
}

void FieldTable::Finish() {
  for (Info* info : used_) {
    program_->fields[info->index].type =
        info->declared != ValueType::kAny ? info->declared : info->used_as;
  }
}

}  // namespace triage::internal
