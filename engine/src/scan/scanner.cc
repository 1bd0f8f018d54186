// SPDX-License-Identifier: Apache-2.0
// The scanner: from a record to a Decision.
//
// 1. Values. JSON records are parsed with simdjson (DOM, a parser kept per Scanner so that its
//    buffers are reused) and each field the rules read is extracted by walking its paths; a
//    Record given by the caller is mapped by field name. Text values are views into the parsed
//    document or the Record, valid for the duration of the scan.
// 2. Matching. Each text field with a matcher is scanned once per value by each of its RE2::Sets
//    (one unless the field is very large), which set the bit of every atom that occurs; list hits
//    are confirmed by the list's regex, and hard regexes run alone where their literals occur
//    (compile/matcher_plan.h). If a set fails (RE2 reports its DFA out of memory), its entries
//    are run one by one instead: a record is never silently unmatched.
// 3. Rules. In evaluation order, each enabled rule that something in the record wakes (an atom
//    that occurred, a terms list with a mention, a rule it refers to that fired, or no gate at
//    all: RuleWakers, program.h) has its gate checked and its expression evaluated over the bits
//    and values; rules nothing wakes cannot fire and cost nothing. A fired rule adds its urgency
//    and category scores. Positions are computed only for
//    count(...), and only for atoms the set reported.
// 4. Decision. Urgency is clamped to [0, max], raised to the highest floor; the band is the first
//    whose minimum it reaches; categories at or above assign_min, highest first (ties by name),
//    at most max_labels, else the fallback of the record's field value or of its band
//    (triage/decision_policy.h).
#include "triage/scanner.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <cstdint>
#include <utility>
#include <vector>

#include "compile/atoms.h"
#include "compile/program.h"
#include "compile/rule_set_access.h"
#include "scan/scan_state.h"
#include "scan/word_state.h"
#include "triage/version.h"

namespace triage {
namespace internal {

namespace {
uint64_t NowNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}
}  // namespace

void ScanState::set_collect_stats(const Program& program, bool on) {
  collect_stats_ = on;
  if (!on || !stats_.rules.empty() || !stats_.fields.empty()) return;
  for (const FieldMatcher& matcher : program.matchers) {
    ScanStats::FieldStats f;
    f.field = program.fields[matcher.field].name;
    stats_.fields.push_back(f);
  }
  for (const CompiledRule& rule : program.rules) stats_.rules.push_back({rule.name, 0});
}

namespace {

// Room for a typical record's hits (the default pack fires ~20 public rules on a report).
constexpr size_t kTypicalHits = 32;
// Room for a typical decision's tags and routes (the default pack's decisions carry up to 7 tags
// and 3 routes), reserved at the first one so that the lists do not grow, moving their strings,
// on the way.
constexpr size_t kTypicalTags = 8;
constexpr size_t kTypicalRoutes = 4;
// At most this many spare hits are kept (ScanState::spare_hits_).
constexpr size_t kSpareHits = 256;

const char* JsonTypeName(simdjson::dom::element_type type) {
  using T = simdjson::dom::element_type;
  switch (type) {
    case T::ARRAY:
      return "an array";
    case T::OBJECT:
      return "an object";
    case T::INT64:
    case T::UINT64:
    case T::DOUBLE:
      return "a number";
    case T::STRING:
      return "a string";
    case T::BOOL:
      return "a boolean";
    case T::NULL_VALUE:
      return "null";
  }
  return "a value";
}

// Our own wording for simdjson's errors: its messages can quote a character of the record.
std::string JsonErrorMessage(simdjson::error_code error) {
  switch (error) {
    case simdjson::TAPE_ERROR:
      return "not valid JSON: unexpected character or structure";
    case simdjson::STRING_ERROR:
    case simdjson::UNESCAPED_CHARS:
    case simdjson::UNCLOSED_STRING:
      return "not valid JSON: malformed string";
    case simdjson::NUMBER_ERROR:
      return "not valid JSON: malformed or out-of-range number";
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
      return "not valid JSON: malformed true, false or null";
    case simdjson::EMPTY:
      return "not valid JSON: empty line";
    default:
      return "not valid JSON";
  }
}

Status WrongType(const Field& field, const std::string& path, const char* expected,
                 const char* found) {
  return Status::InvalidRecord("wrong_type", "field '" + field.name + "' (path " + path +
                                                 ") expects " + expected + ", found " + found);
}

bool Compare(double a, Cmp cmp, double b) {
  switch (cmp) {
    case Cmp::kEq:
      return a == b;
    case Cmp::kNe:
      return a != b;
    case Cmp::kLt:
      return a < b;
    case Cmp::kLe:
      return a <= b;
    case Cmp::kGt:
      return a > b;
    case Cmp::kGe:
      return a >= b;
  }
  return false;
}

}  // namespace

Status ScanState::AddJsonLeaf(const Field& field, int field_index, const std::string& path_text,
                              simdjson::dom::element element) {
  using T = simdjson::dom::element_type;
  const T type = element.type();
  if (type == T::NULL_VALUE) return Status::Ok();
  FieldValues& values = values_[field_index];
  if (field_index == id_field_) {
    if (type == T::STRING) {
      id_ = std::string(element.get_string().value_unsafe());
      has_id_ = true;
    } else if (type == T::INT64 || type == T::UINT64 || type == T::DOUBLE) {
      id_ = simdjson::minify(element);
      has_id_ = true;
    } else {
      return WrongType(field, path_text, "a string or a number", JsonTypeName(type));
    }
    // The id may also be read by rules as text.
    if (field.type == ValueType::kText || field.type == ValueType::kAny) {
      owned_texts_.push_back(id_);
      values.texts.push_back(owned_texts_.back());
    }
    ++values.present;
    return Status::Ok();
  }
  switch (field.type) {
    case ValueType::kText:
      if (type != T::STRING) return WrongType(field, path_text, "a string", JsonTypeName(type));
      values.texts.push_back(element.get_string().value_unsafe());
      break;
    case ValueType::kNumber:
      if (type == T::INT64) {
        values.numbers.push_back(static_cast<double>(element.get_int64().value_unsafe()));
      } else if (type == T::UINT64) {
        values.numbers.push_back(static_cast<double>(element.get_uint64().value_unsafe()));
      } else if (type == T::DOUBLE) {
        values.numbers.push_back(element.get_double().value_unsafe());
      } else {
        return WrongType(field, path_text, "a number", JsonTypeName(type));
      }
      break;
    case ValueType::kBool:
      if (type != T::BOOL) return WrongType(field, path_text, "a boolean", JsonTypeName(type));
      values.bools.push_back(element.get_bool().value_unsafe() ? 1 : 0);
      break;
    case ValueType::kAny:
      // A field no rule types (the conversation fields: conversation, from, to, received_at)
      // keeps its strings, and its numbers as written, as text: the conversation scanner reads
      // them (a phone number may come as a JSON number).
      if (type == T::STRING) {
        values.texts.push_back(element.get_string().value_unsafe());
      } else if (type == T::INT64 || type == T::UINT64 || type == T::DOUBLE) {
        owned_texts_.push_back(simdjson::minify(element));
        values.texts.push_back(owned_texts_.back());
      }
      break;
  }
  ++values.present;
  return Status::Ok();
}

Status ScanState::ExtractPath(const Field& field, int field_index, const std::string& path_text,
                              const std::vector<PathStep>& steps, size_t step,
                              simdjson::dom::element element) {
  using T = simdjson::dom::element_type;
  if (step == steps.size()) return AddJsonLeaf(field, field_index, path_text, element);
  if (element.type() == T::NULL_VALUE) return Status::Ok();
  const PathStep& s = steps[step];
  switch (s.kind) {
    case PathStep::Kind::kKey: {
      if (element.type() != T::OBJECT) {
        return WrongType(field, path_text, "an object on the way", JsonTypeName(element.type()));
      }
      // A key the path reads must occur once: with two, the record would show the rules one
      // value and most JSON readers downstream another (the last). Only the objects a path walks
      // through are checked, and only for its key, in the one pass that finds the key anyway
      // (simdjson's at_key is a linear scan too).
      simdjson::dom::object object;
      if (element.get(object) != simdjson::SUCCESS) return Status::Ok();
      simdjson::dom::element child;
      bool found = false;
      for (const simdjson::dom::key_value_pair pair : object) {
        if (pair.key != s.key) continue;
        if (found) {
          return Status::InvalidRecord("duplicate_key", "key '" + s.key + "' occurs more than once (field '" +
                                                            field.name + "', path " + path_text +
                                                            ")");
        }
        found = true;
        child = pair.value;
      }
      if (!found) return Status::Ok();  // absent
      return ExtractPath(field, field_index, path_text, steps, step + 1, child);
    }
    case PathStep::Kind::kWildcard: {
      if (element.type() != T::ARRAY) {
        return WrongType(field, path_text, "an array", JsonTypeName(element.type()));
      }
      simdjson::dom::array array;
      if (element.get(array) != simdjson::SUCCESS) return Status::Ok();
      for (simdjson::dom::element child : array) {
        Status status = ExtractPath(field, field_index, path_text, steps, step + 1, child);
        if (!status.ok()) return status;
      }
      return Status::Ok();
    }
    case PathStep::Kind::kIndex: {
      if (element.type() != T::ARRAY) {
        return WrongType(field, path_text, "an array", JsonTypeName(element.type()));
      }
      simdjson::dom::array array;
      simdjson::dom::element child;
      if (element.get(array) != simdjson::SUCCESS ||
          array.at(s.index).get(child) != simdjson::SUCCESS) {
        return Status::Ok();
      }
      return ExtractPath(field, field_index, path_text, steps, step + 1, child);
    }
  }
  return Status::Ok();
}

Status ScanState::Extract(const Program& program, const simdjson::dom::element& root) {
  id_field_ = program.id_field;
  // The id first, so that a later error can still name the record.
  if (program.id_field >= 0) {
    const Field& field = program.fields[program.id_field];
    for (size_t p = 0; p < field.paths.size(); ++p) {
      Status status =
          ExtractPath(field, program.id_field, field.path_texts[p], field.paths[p], 0, root);
      if (!status.ok()) return status;
    }
  }
  for (size_t f = 0; f < program.fields.size(); ++f) {
    if (static_cast<int>(f) == program.id_field) continue;
    const Field& field = program.fields[f];
    for (size_t p = 0; p < field.paths.size(); ++p) {
      Status status =
          ExtractPath(field, static_cast<int>(f), field.path_texts[p], field.paths[p], 0, root);
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

void ScanState::SetDisabled(const Program& program, const ScanOptions& options) {
  // The common case, no rule disabled now or in the previous scan, touches nothing.
  if (options.disabled_rules.empty() && !any_disabled_) return;
  std::fill(disabled_.begin(), disabled_.end(), 0);
  any_disabled_ = !options.disabled_rules.empty();
  for (const std::string& name : options.disabled_rules) {
    for (size_t r = 0; r < program.rules.size(); ++r) {
      if (program.rules[r].name == name) disabled_[r] = 1;
    }
  }
}

Status ScanState::ScanJson(const Program& program, std::string_view json,
                           const ScanOptions& options, Decision* decision) {
  Status status = LoadJson(program, json, decision);
  if (!status.ok()) return status;
  SetDisabled(program, options);
  Evaluate(program, decision);
  return Status::Ok();
}

Status ScanState::LoadJson(const Program& program, std::string_view json, Decision* decision) {
  const uint64_t start = collect_stats_ ? NowNs() : 0;
  Status status = Load(program, json, decision);
  if (collect_stats_) {
    ++stats_.records;
    stats_.parse_ns += NowNs() - start;
  }
  return status;
}

void ScanState::EvaluateLoaded(const Program& program, Decision* decision, bool count_hits) {
  SetDisabled(program, ScanOptions());
  Evaluate(program, decision, count_hits);
}

void ScanState::RecycleHits(Decision* decision) {
  for (RuleHit& hit : decision->rules) {
    if (spare_hits_.size() >= kSpareHits) break;
    spare_hits_.push_back(std::move(hit));
  }
  decision->rules.clear();
}

void ScanState::RecycleDecision(Decision* decision) {
  RecycleHits(decision);
  std::vector<RuleHit> rules = std::move(decision->rules);
  *decision = Decision();
  decision->rules = std::move(rules);  // empty, with its capacity
}

Status ScanState::Load(const Program& program, std::string_view json, Decision* decision) {
  RecycleDecision(decision);
  ClearValues();
  owned_texts_.clear();
  if (json.size() > program.config.max_record_bytes) {
    return Status::InvalidRecord("too_large", "record of " + std::to_string(json.size()) +
                                                  " bytes exceeds limits.max_record_bytes (" +
                                                  std::to_string(program.config.max_record_bytes) +
                                                  ")");
  }
  if (buffer_.size() < json.size()) buffer_ = simdjson::padded_string(json.size() * 2);
  std::memcpy(buffer_.data(), json.data(), json.size());
  simdjson::dom::element root;
  const auto error = parser_.parse(buffer_.data(), json.size(), false).get(root);
  if (error != simdjson::SUCCESS) {
    if (error == simdjson::UTF8_ERROR) {
      return Status::InvalidRecord("invalid_utf8", "record is not valid UTF-8");
    }
    if (error == simdjson::DEPTH_ERROR) {
      return Status::InvalidRecord("invalid_json", "record nests too deeply");
    }
    return Status::InvalidRecord("invalid_json", JsonErrorMessage(error));
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    return Status::InvalidRecord("not_an_object", std::string("record is ") +
                                                      JsonTypeName(root.type()) +
                                                      ", not a JSON object");
  }
  Status status = Extract(program, root);
  if (has_id_) decision->id = id_;
  return status;
}

Status ScanState::ScanRecord(const Program& program, const Record& record,
                             const ScanOptions& options, Decision* decision) {
  Status status = LoadRecord(program, record, decision);
  if (!status.ok()) return status;
  SetDisabled(program, options);
  Evaluate(program, decision);
  return Status::Ok();
}

Status ScanState::LoadRecord(const Program& program, const Record& record, Decision* decision) {
  RecycleDecision(decision);
  ClearValues();
  owned_texts_.clear();
  for (const auto& [name, value] : record.entries()) {
    if (name == "id") {
      if (const auto* s = std::get_if<std::string>(&value)) {
        id_ = *s;
        has_id_ = true;
        decision->id = id_;
      }
    }
  }
  for (size_t f = 0; f < program.fields.size(); ++f) {
    const Field& field = program.fields[f];
    FieldValues& values = values_[f];
    for (const FieldValue* value : record.Get(field.name)) {
      const char* found = std::holds_alternative<std::string>(*value) ? "a string"
                          : std::holds_alternative<double>(*value)    ? "a number"
                                                                      : "a boolean";
      switch (field.type) {
        case ValueType::kText:
          if (const auto* s = std::get_if<std::string>(value)) {
            values.texts.push_back(*s);
          } else {
            return Status::InvalidRecord("wrong_type", "field '" + field.name +
                                                           "' expects a string, found " + found);
          }
          break;
        case ValueType::kNumber:
          if (const auto* d = std::get_if<double>(value)) {
            values.numbers.push_back(*d);
          } else {
            return Status::InvalidRecord("wrong_type", "field '" + field.name +
                                                           "' expects a number, found " + found);
          }
          break;
        case ValueType::kBool:
          if (const auto* b = std::get_if<bool>(value)) {
            values.bools.push_back(*b ? 1 : 0);
          } else {
            return Status::InvalidRecord("wrong_type", "field '" + field.name +
                                                           "' expects a boolean, found " + found);
          }
          break;
        case ValueType::kAny:
          if (const auto* s = std::get_if<std::string>(value)) values.texts.push_back(*s);
          break;
      }
      ++values.present;
    }
  }
  return Status::Ok();
}

size_t ScanState::CountMatches(const Program& program, int atom) {
  if (atom < 0 || !AtomHolds(program, atom)) return 0;
  const Atom& a = program.atoms[atom];
  size_t count = 0;
  FieldValues& values = values_[a.field];
  for (size_t v = 0; v < values.texts.size(); ++v) {
    const std::string_view text = values.texts[v];
    const re2::StringPiece piece(text.data(), text.size());
    // On ASCII text an exact list's set entry finds the same matches as its regex, with \b edges
    // that consume nothing: group 0 is the phrase, and RE2 finds it without the NFA.
    const bool core = a.exact_on_ascii && values.IsAsciiText(v);
    const RE2& re = core ? a.set_re.Get() : a.Regex();
    const int groups_wanted = core ? 1 : 2;
    size_t pos = 0;
    re2::StringPiece groups[2];
    while (pos <= text.size() &&
           re.Match(piece, pos, text.size(), RE2::UNANCHORED, groups, groups_wanted)) {
      // Group 1 is the part that counts (a list's boundary characters are outside it); the next
      // search starts where it ended, so a boundary can serve two adjacent matches.
      ++count;
      const re2::StringPiece& group =
          groups_wanted == 2 && groups[1].data() != nullptr ? groups[1] : groups[0];
      const size_t end = static_cast<size_t>(group.data() - text.data()) + group.size();
      pos = end > pos ? end : pos + 1;
    }
  }
  return count;
}

void ScanState::BuildCode(const Program& program) {
  code_.reserve(program.nodes.size());
  for (const ExprNode& node : program.nodes) {
    ExprCode code;
    code.op = node.op;
    code.cmp = node.cmp;
    code.a = node.a;
    code_number_.push_back(node.number);
    code.first_child = static_cast<uint32_t>(code_children_.size());
    code.children = static_cast<uint32_t>(node.children.size());
    code_children_.insert(code_children_.end(), node.children.begin(), node.children.end());
    code_.push_back(code);
  }
  rule_root_.reserve(program.rules.size());
  for (const CompiledRule& rule : program.rules) rule_root_.push_back(rule.enabled ? rule.root : -1);
}

bool ScanState::Eval(const Program& program, int index) {
  const ExprCode& node = code_[index];
  const int* children = code_children_.data() + node.first_child;
  switch (node.op) {
    case NodeOp::kAnd:
      for (size_t i = 0; i < node.children; ++i) {
        if (!EvalChild(program, children[i])) return false;
      }
      return true;
    case NodeOp::kOr:
      for (size_t i = 0; i < node.children; ++i) {
        if (EvalChild(program, children[i])) return true;
      }
      return false;
    case NodeOp::kNot:
      return !EvalChild(program, children[0]);
    case NodeOp::kMatch:
      return node.a >= 0 && AtomHolds(program, node.a);
    case NodeOp::kNotMatch:
      return node.a < 0 || !AtomHolds(program, node.a);
    case NodeOp::kCount:
      return Compare(static_cast<double>(CountMatches(program, node.a)), node.cmp,
                     code_number_[index]);
    case NodeOp::kExists:
      return node.a >= 0 && values_[node.a].present != 0;
    case NodeOp::kCompareNumber:
      for (double v : values_[node.a].numbers) {
        if (Compare(v, node.cmp, code_number_[index])) return true;
      }
      return false;
    case NodeOp::kCompareText: {
      const ExprNode& full = program.nodes[index];
      for (std::string_view v : values_[node.a].texts) {
        if ((v == full.text) == (node.cmp == Cmp::kEq)) return true;
      }
      return false;
    }
    case NodeOp::kCompareBool: {
      const bool boolean = program.nodes[index].boolean;
      for (char v : values_[node.a].bools) {
        if (((v != 0) == boolean) == (node.cmp == Cmp::kEq)) return true;
      }
      return false;
    }
    case NodeOp::kInNumbers:
      for (double v : values_[node.a].numbers) {
        for (double n : program.nodes[index].numbers) {
          if (v == n) return true;
        }
      }
      return false;
    case NodeOp::kInTexts:
      for (std::string_view v : values_[node.a].texts) {
        for (const std::string& t : program.nodes[index].texts) {
          if (v == t) return true;
        }
      }
      return false;
    case NodeOp::kRuleRef:
      return node.a >= 0 && fired_[node.a] != 0;
    case NodeOp::kWords:
      return node.a >= 0 && words_.Holds(program, node.a, atom_bits_);
    case NodeOp::kWordsCount:
      return node.a >= 0 &&
             Compare(static_cast<double>(words_.CountMentions(program, node.a, atom_bits_)),
                     node.cmp, code_number_[index]);
    case NodeOp::kCountOf: {
      size_t holding = 0;
      for (size_t i = 0; i < node.children; ++i) {
        if (EvalChild(program, children[i]) &&
            ++holding >= static_cast<size_t>(code_number_[index])) {
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

// One value of a field through the field's matcher (compile/matcher_plan.h): each set, then the
// hard regexes whose literals occurred, then the atoms no set holds.
size_t ScanState::MatchValue(const Program& program, const FieldMatcher& matcher, size_t v) {
  FieldValues& values = values_[matcher.field];
  const re2::StringPiece text(values.texts[v].data(), values.texts[v].size());
  size_t failures = 0;
  literal_hits_.clear();
  for (const MatchSet& ms : matcher.sets) {
    set_hits_.clear();
    RE2::Set::ErrorInfo info{};
    if (ms.set->Match(text, &set_hits_, &info)) {
      for (int hit : set_hits_) MarkEntry(program, ms.entries[hit], &values, v, text);
    } else if (info.kind != RE2::Set::kNoError) {
      // The set failed (its DFA ran out of memory): every entry on its own, every literal it
      // looks for presumed present. Never silently unmatched.
      ++failures;
      for (int entry : ms.entries) {
        if (entry >= 0) {
          MatchAlone(program, entry, text);
        } else {
          literal_hits_.push_back(~entry);
        }
      }
    }
  }
  if (matcher.filter != nullptr) {
    if (matcher.literals_always) {
      for (size_t i = 0; i < matcher.literals.size(); ++i) {
        literal_hits_.push_back(static_cast<int>(i));
      }
    }
    if (literal_hits_.empty()) {
      for (int atom : matcher.filter_always) Defer(program, atom, v, text);
    } else {
      matcher.filter->AllPotentials(literal_hits_, &potentials_);
      for (int id : potentials_) Defer(program, matcher.filter_atoms[id], v, text);
    }
  }
  for (int atom : matcher.unset) MatchAlone(program, atom, text);
  // A KELVIN SIGN or LONG S where a list's ASCII \b cannot see it: those lists on their own.
  if (!matcher.fold_atoms.empty() && !values.IsAsciiText(v) &&
      HasNonAsciiFoldLetter({text.data(), text.size()})) {
    for (int atom : matcher.fold_atoms) MatchAlone(program, atom, text);
  }
  return failures;
}

void ScanState::MarkEntry(const Program& program, int entry, FieldValues* values, size_t v,
                          re2::StringPiece text) {
  if (entry < 0) {
    literal_hits_.push_back(~entry);
    return;
  }
  if (atom_bits_[entry] == kAtomFound) return;
  const Atom& atom = program.atoms[entry];
  if (atom.strategy == PatternPlan::Strategy::kSetConfirmed) {
    if (atom.exact_on_ascii && values->IsAsciiText(v)) {
      atom_bits_[entry] = kAtomFound;  // the set's \b edges are the list's own on ASCII text
      return;
    }
    MatchAlone(program, entry, text);  // the phrases occur; are they whole words?
  } else {
    atom_bits_[entry] = kAtomFound;
  }
}

bool ScanState::AnyGateHolds(const Program& program, const RuleGate& gate) {
  for (int i = gate.any_begin; i < gate.any_end; ++i) {
    const GateTerm& term = program.gate_terms[i];
    if (term.atom >= 0        ? AtomHolds(program, term.atom)
        : term.term_atom >= 0 ? words_.HasTerm(term.term_atom)
        : term.field >= 0     ? HasValues(term.field, term.values)
                              : fired_[term.rule] != 0) {
      return true;
    }
  }
  return false;
}

void ScanState::Resolve(const Program& program, int atom) {
  const std::vector<std::string_view>& texts = values_[program.atoms[atom].field].texts;
  atom_bits_[atom] = kAtomAbsent;
  for (uint64_t mask = pending_values_[atom]; mask != 0; mask &= mask - 1) {
    const auto v = static_cast<size_t>(__builtin_ctzll(mask));
    MatchAlone(program, atom, re2::StringPiece(texts[v].data(), texts[v].size()));
    if (atom_bits_[atom] == kAtomFound) return;
  }
}

void ScanState::WakeRules(const Program& program) {
  const RuleWakers& wakers = program.wakers;
  woken_.assign(wakers.always.begin(), wakers.always.end());
  // The atoms that occurred or may (a deferred regex): eight at a time, most bytes are zero.
  const size_t atoms = atom_bits_.size();
  size_t a = 0;
  for (; a + 8 <= atoms; a += 8) {
    uint64_t eight;
    std::memcpy(&eight, atom_bits_.data() + a, sizeof eight);
    if (eight == 0) continue;
    for (size_t i = a; i < a + 8; ++i) {
      if (atom_bits_[i] != kAtomAbsent) Wake(wakers.by_atom.Of(i));
    }
  }
  for (; a < atoms; ++a) {
    if (atom_bits_[a] != kAtomAbsent) Wake(wakers.by_atom.Of(a));
  }
  for (int term_atom : words_.touched_atoms()) Wake(wakers.by_term_atom.Of(term_atom));
  // The fields with a value (the gates test the kind of value each rule reads).
  if (!wakers.by_field.rules.empty()) {
    const size_t fields = std::min(values_.size(), wakers.by_field.begin.size() - 1);
    for (size_t f = 0; f < fields; ++f) {
      const FieldValues& v = values_[f];
      if (v.present != 0 || !v.texts.empty() || !v.numbers.empty() || !v.bools.empty()) {
        Wake(wakers.by_field.Of(f));
      }
    }
  }
}

void ScanState::EvaluateRule(const Program& program, size_t r, Decision* decision) {
  const RuleGate& gate = program.gates[r];
  // The cheap tests first: a deferred regex runs only for a rule that passed them. A gate that
  // holds whenever the rule is woken is not tested again.
  if (!gate.woken_means_holds &&
      ((gate.rule >= 0 && fired_[gate.rule] == 0) ||
       (gate.term_atom >= 0 && !words_.HasTerm(gate.term_atom)) ||
       (gate.atom >= 0 && !AtomHolds(program, gate.atom)) ||
       (gate.any_begin != gate.any_end && !AnyGateHolds(program, gate)))) {
    return;  // a condition it cannot fire without is false
  }
  const int root = rule_root_[r];
  if (root < 0 || disabled_[r] != 0 || !Eval(program, root)) return;
  const CompiledRule& rule = program.rules[r];
  fired_[r] = 1;
  Wake(program.wakers.by_rule.Of(r));
  if (rule.is_private) return;  // a building block: no score, not in the decision
  tally_.urgency_sum += rule.urgency;
  if (rule.floor) tally_.floor = std::max(tally_.floor.value_or(*rule.floor), *rule.floor);
  RuleHit hit;
  if (!spare_hits_.empty()) {  // an earlier hit, rewritten in place (its buffers kept)
    hit = std::move(spare_hits_.back());
    spare_hits_.pop_back();
  }
  hit.rule.assign(rule.name);
  hit.urgency = rule.urgency;
  hit.floor = rule.floor;
  hit.categories.resize(rule.categories.size());
  for (size_t i = 0; i < rule.categories.size(); ++i) {
    const auto& [category, score] = rule.categories[i];
    category_scores_[category] += score;
    category_touched_[category] = 1;
    hit.categories[i].name.assign(program.categories[category]);
    hit.categories[i].score = score;
  }
  for (const std::string& tag : rule.tags) {
    if (std::find(decision->tags.begin(), decision->tags.end(), tag) == decision->tags.end()) {
      if (decision->tags.capacity() == 0) decision->tags.reserve(kTypicalTags);
      decision->tags.push_back(tag);
    }
  }
  for (const std::string& route : rule.routes) {
    if (std::find(decision->routes.begin(), decision->routes.end(), route) ==
        decision->routes.end()) {
      if (decision->routes.capacity() == 0) decision->routes.reserve(kTypicalRoutes);
      decision->routes.push_back(route);
    }
  }
  // A fresh decision's first hit: room for a typical record's (the default pack fires ~20), so
  // that the list does not grow, moving its hits, five times on the way.
  if (decision->rules.capacity() == 0) decision->rules.reserve(kTypicalHits);
  decision->rules.push_back(std::move(hit));
}

void ScanState::Evaluate(const Program& program, Decision* decision, bool count_hits) {
  // Matching: one pass per value of each matched field.
  const uint64_t evaluate_start = collect_stats_ ? NowNs() : 0;
  std::fill(atom_bits_.begin(), atom_bits_.end(), 0);
  for (size_t m = 0; m < program.matchers.size(); ++m) {
    const FieldMatcher& matcher = program.matchers[m];
    const uint64_t field_start = collect_stats_ ? NowNs() : 0;
    if (collect_stats_) {
      ScanStats::FieldStats& f = stats_.fields[m];
      f.values += values_[matcher.field].texts.size();
      for (std::string_view text : values_[matcher.field].texts) f.bytes += text.size();
    }
    // Times the field's matching when stats are on, whichever way the loop below ends.
    struct FieldTimer {
      ScanState* state;
      size_t index;
      uint64_t start;
      ~FieldTimer() {
        if (state->collect_stats_) state->stats_.fields[index].ns += NowNs() - start;
      }
    } timer{this, m, field_start};
    for (size_t v = 0; v < values_[matcher.field].texts.size(); ++v) {
      const size_t failures = MatchValue(program, matcher, v);
      if (collect_stats_ && failures > 0) stats_.fields[m].set_failures += 1;
    }
  }

  // Words: each value of a word-level field analysed once, every term list found in one pass.
  // The regexes word-level expressions read are resolved first (the word state reads the bits).
  for (int atom : span_atoms_) AtomHolds(program, atom);
  words_.Reset();
  for (size_t w = 0; w < program.word_fields.size(); ++w) {
    const std::vector<std::string_view>& texts = values_[program.word_fields[w].field].texts;
    if (!texts.empty()) {
      words_.MatchField(program, static_cast<int>(w), texts,
                        program.word_fields[w].field == lines_field_ ? lines_ : nullptr);
    }
  }

  // Rules.
  std::fill(fired_.begin(), fired_.end(), 0);
  std::fill(category_scores_.begin(), category_scores_.end(), 0);
  std::fill(category_touched_.begin(), category_touched_.end(), 0);
  tally_.urgency_sum = 0;
  tally_.floor.reset();
  // Only the rules something in the record wakes, in evaluation order: the lowest woken rule
  // first; a rule that fires wakes only later rules (those gated on it), so the words before
  // stay done.
  WakeRules(program);
  for (size_t w = 0; w < woken_.size(); ++w) {
    while (woken_[w] != 0) {
      const uint64_t bits = woken_[w];
      woken_[w] = bits & (bits - 1);
      EvaluateRule(program, w * 64 + static_cast<size_t>(__builtin_ctzll(bits)), decision);
    }
  }

  // Urgency, band and categories: the decision policy (triage/decision_policy.h).
  // The totals are rewritten in place, so that their strings keep their buffers between records.
  size_t totals = 0;
  for (size_t c = 0; c < program.categories.size(); ++c) {
    if (category_touched_[c] == 0) continue;
    if (totals == tally_.totals.size()) tally_.totals.emplace_back();
    tally_.totals[totals].name.assign(program.categories[c]);
    tally_.totals[totals].score = category_scores_[c];
    ++totals;
  }
  tally_.totals.resize(totals);
  // The record's values of the fallback_by_field field, for the fallback; kept in place the same
  // way. A conversation's evaluation reads the record's own values (only its text is replaced).
  size_t field_values = 0;
  if (program.fallback_field >= 0) {
    for (std::string_view value : values_[program.fallback_field].texts) {
      if (field_values == tally_.fallback_field_values.size()) {
        tally_.fallback_field_values.emplace_back();
      }
      tally_.fallback_field_values[field_values++].assign(value);
    }
  }
  tally_.fallback_field_values.resize(field_values);
  ApplyDecisionPolicy(tally_, program.config, program.fallback_category >= 0, decision);
  decision->ruleset = program.digest;
  decision->engine = EngineVersion();
  if (collect_stats_) {
    if (count_hits) {
      for (size_t r = 0; r < fired_.size(); ++r) stats_.rules[r].hits += fired_[r];
    }
    stats_.evaluate_ns += NowNs() - evaluate_start;
  }
}

ConditionTrace ScanState::Trace(const Program& program, int index) {
  const ExprNode& node = program.nodes[index];
  ConditionTrace trace;
  trace.text = node.source;
  trace.location = node.location;
  trace.holds = Eval(program, index);
  if (!node.one_test) {
    switch (node.op) {
      case NodeOp::kAnd:
        trace.op = ConditionOp::kAnd;
        break;
      case NodeOp::kOr:
        trace.op = ConditionOp::kOr;
        break;
      case NodeOp::kNot:
        trace.op = ConditionOp::kNot;
        break;
      case NodeOp::kCountOf:
        trace.op = ConditionOp::kAtLeast;
        trace.at_least = static_cast<int>(node.number);
        break;
      default:
        break;  // a test
    }
  }
  if ((node.op == NodeOp::kWords || node.op == NodeOp::kWordsCount) && node.a >= 0) {
    trace.detail = words_.Describe(program, node.a, atom_bits_);
  }
  if (node.op == NodeOp::kAnd || node.op == NodeOp::kOr || node.op == NodeOp::kNot ||
      node.op == NodeOp::kCountOf) {
    for (int child : node.children) trace.children.push_back(Trace(program, child));
  }
  return trace;
}

void ScanState::CollectSpans(const Program& program, int index, std::vector<MatchSpan>* spans) {
  const ExprNode& node = program.nodes[index];
  for (int child : node.children) CollectSpans(program, child, spans);
  if ((node.op == NodeOp::kWords || node.op == NodeOp::kWordsCount) && node.a >= 0) {
    words_.CollectSpans(program, node.a, atom_bits_, spans);
    return;
  }
  if ((node.op != NodeOp::kMatch && node.op != NodeOp::kCount) || node.a < 0 ||
      !AtomHolds(program, node.a)) {
    return;
  }
  const Atom& atom = program.atoms[node.a];
  const std::vector<std::string_view>& texts = values_[atom.field].texts;
  for (size_t v = 0; v < texts.size(); ++v) {
    const std::string_view text = texts[v];
    const re2::StringPiece piece(text.data(), text.size());
    re2::StringPiece groups[2];
    size_t pos = 0;
    while (pos <= text.size() &&
           atom.Regex().Match(piece, pos, text.size(), RE2::UNANCHORED, groups, 2)) {
      const re2::StringPiece& group = groups[1].data() != nullptr ? groups[1] : groups[0];
      const auto begin = static_cast<uint32_t>(group.data() - text.data());
      const auto end = static_cast<uint32_t>(begin + group.size());
      const MatchSpan span{program.fields[atom.field].name, static_cast<uint32_t>(v), begin, end};
      const bool seen = std::any_of(spans->begin(), spans->end(), [&](const MatchSpan& s) {
        return s.field == span.field && s.value == span.value && s.begin == span.begin &&
               s.end == span.end;
      });
      if (!seen && end > begin) spans->push_back(span);
      pos = end > pos ? end : pos + 1;
    }
  }
}

Status ScanState::Explain(const Program& program, std::string_view json,
                          const ScanOptions& options, Explanation* explanation) {
  *explanation = Explanation();
  Status status = Load(program, json, &explanation->decision);
  if (!status.ok()) return status;
  ExplainLoaded(program, options, explanation);
  return Status::Ok();
}

Status ScanState::ExplainRecord(const Program& program, const Record& record,
                                const ScanOptions& options, Explanation* explanation) {
  *explanation = Explanation();
  Status status = LoadRecord(program, record, &explanation->decision);
  if (!status.ok()) return status;
  ExplainLoaded(program, options, explanation);
  return Status::Ok();
}

void ScanState::ExplainLoaded(const Program& program, const ScanOptions& options,
                              Explanation* explanation) {
  SetDisabled(program, options);
  Evaluate(program, &explanation->decision);
  const EngineConfig& config = program.config;
  explanation->urgency_max = config.urgency_max;
  explanation->assign_min = config.assign_min;
  for (size_t r = 0; r < program.rules.size(); ++r) {
    const CompiledRule& rule = program.rules[r];
    RuleTrace trace;
    trace.rule = rule.name;
    trace.description = rule.description;
    trace.location = rule.location;
    trace.enabled = rule.enabled && disabled_[r] == 0;
    trace.overridden = rule.overridden;
    trace.fired = fired_[r] != 0;
    trace.urgency = rule.urgency;
    trace.floor = rule.floor;
    for (const auto& [category, score] : rule.categories) {
      trace.categories.push_back({program.categories[category], score});
    }
    trace.tags = rule.tags;
    trace.routes = rule.routes;
    if (rule.root >= 0) {
      trace.condition = Trace(program, rule.root);
      if (trace.fired) CollectSpans(program, rule.root, &trace.spans);
    }
    explanation->rules.push_back(std::move(trace));
  }
  explanation->urgency_sum = tally_.urgency_sum;
  explanation->floor = tally_.floor;
  explanation->category_totals = tally_.totals;
  explanation->fallback_field_values = tally_.fallback_field_values;
  for (size_t f = 0; f < program.fields.size(); ++f) {
    const bool words = f < program.word_field_of.size() && program.word_field_of[f] >= 0;
    if (program.fields[f].matcher < 0 && !words) continue;
    FieldText text;
    text.field = program.fields[f].name;
    for (std::string_view v : values_[f].texts) text.values.emplace_back(v);
    explanation->texts.push_back(std::move(text));
  }
}

}  // namespace internal

Scanner::Scanner(RuleSet rules)
    : rules_(std::move(rules)), state_(std::make_unique<internal::ScanState>(internal::RuleSetAccess::ProgramOf(rules_))) {}
Scanner::~Scanner() = default;
Scanner::Scanner(Scanner&&) noexcept = default;
Scanner& Scanner::operator=(Scanner&&) noexcept = default;

void Scanner::set_collect_stats(bool on) { state_->set_collect_stats(internal::RuleSetAccess::ProgramOf(rules_), on); }
const ScanStats& Scanner::stats() const { return state_->stats(); }
const RuleTally& Scanner::tally() const { return state_->tally(); }

void ScanStats::Merge(const ScanStats& other) {
  records += other.records;
  parse_ns += other.parse_ns;
  evaluate_ns += other.evaluate_ns;
  if (fields.empty()) {
    fields = other.fields;
  } else {
    for (size_t i = 0; i < fields.size() && i < other.fields.size(); ++i) {
      fields[i].values += other.fields[i].values;
      fields[i].bytes += other.fields[i].bytes;
      fields[i].ns += other.fields[i].ns;
      fields[i].set_failures += other.fields[i].set_failures;
    }
  }
  if (rules.empty()) {
    rules = other.rules;
  } else {
    for (size_t i = 0; i < rules.size() && i < other.rules.size(); ++i) {
      rules[i].hits += other.rules[i].hits;
    }
  }
}

Status Scanner::Scan(const Record& record, Decision* decision) {
  static const ScanOptions kNoOptions;
  return state_->ScanRecord(internal::RuleSetAccess::ProgramOf(rules_), record, kNoOptions, decision);
}

Status Scanner::Scan(const Record& record, const ScanOptions& options, Decision* decision) {
  return state_->ScanRecord(internal::RuleSetAccess::ProgramOf(rules_), record, options, decision);
}

Status Scanner::ScanJson(std::string_view json, Decision* decision) {
  static const ScanOptions kNoOptions;
  return state_->ScanJson(internal::RuleSetAccess::ProgramOf(rules_), json, kNoOptions, decision);
}

Status Scanner::ScanJson(std::string_view json, const ScanOptions& options, Decision* decision) {
  return state_->ScanJson(internal::RuleSetAccess::ProgramOf(rules_), json, options, decision);
}

Status Scanner::Explain(std::string_view json, const ScanOptions& options,
                        Explanation* explanation) {
  return state_->Explain(internal::RuleSetAccess::ProgramOf(rules_), json, options, explanation);
}

Status Scanner::Explain(const Record& record, const ScanOptions& options,
                        Explanation* explanation) {
  return state_->ExplainRecord(internal::RuleSetAccess::ProgramOf(rules_), record, options, explanation);
}

}  // namespace triage
