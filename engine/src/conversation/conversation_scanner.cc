// SPDX-License-Identifier: Apache-2.0
// The conversation scanner (conversation_scanner.h): one record in, one decision out, with the
// conversation's state read and written through the store.
//
// A message goes through these steps:
// 1. Load and evaluate the record as it is (the message's own decision), with the scan state a
//    Scanner would use (scan/scan_state.h).
// 2. Key: the record's `conversation` value, else its (`from`, `to`). The key is never shown: the
//    conversation id is "<label>@<opening time>", the label being the `conversation` value (a
//    long one, or one written like a phone number, replaced by a digest) or "ft-" and 16 hex
//    digits of the SHA-256 of (from, to), so that no phone number reaches an output, a log or an
//    error.
// 3. Thread, inside the store's update of the key (after the store admitted the message: if it
//    forgot the key meanwhile, the key starts afresh; if it let go of the conversation's texts,
//    a message that continues it starts from an empty window and says context_lost; if the key
//    had opted out when it was forgotten, it is still opted out): the message
//    continues the key's conversation unless there is none, a stop keyword ended it, or it comes
//    idle_timeout or more after the conversation's latest message; otherwise it opens a new one
//    (the opt-out carries over: it belongs to the sender, not to a conversation). A message without
//    a valid received_at continues what is open and moves no clock.
// 4. Keywords: a help keyword opens or continues and adds nothing to the text; a stop keyword
//    ends the conversation and opts the sender out; a start keyword opts an opted-out sender back
//    in (from a sender who is not opted out, "YES" is an ordinary message). Any other message's
//    text joins the conversation's window, which keeps the latest max_messages messages within
//    max_text_bytes (the newest alone is cut at a character boundary if it is longer).
// 5. Evaluate the conversation: the record again, its text field replaced by the window joined
//    with '\n' (a sentence boundary: analysis.sentences.line_breaks). An empty window (keywords
//    only) evaluates as the message itself, so a bare HELP is a contact, not an empty message;
//    a window that is just this message's one text is not evaluated twice. The window's
//    analysis (words, sentences) is put together from its messages' analyses, kept from the
//    evaluations before (conversation/analysis_cache.h): the same tokens and sentences as
//    analysing the joined text (Analyzer::AnalyzeLines); the term mentions, contexts and rules
//    are found over the whole window, so phrases and scopes that cross a message boundary are.
//    A message's phrase matches that stay inside it are kept beside its analysis too
//    (Analyzer::LineMemo, filled by the word pass): a later window reads them and tests again
//    only the phrases that may read past the message.
// 6. Each message offers the higher of the window's evaluation and its own (the window's among
//    equals); the conversation's decision is the highest offered so far (the latest among
//    equals), so a later "im safe now" is shown in the message's own decision but never lowers
//    the conversation's. The record's decision is that one, with the record's id, the
//    current ruleset's digest and the ConversationInfo; a help or start keyword's reply is added
//    when the sender is not opted out.
#include "triage/conversation_scanner.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "triage/config.h"
#include "triage/conversation_store.h"
#include "triage/decision.h"
#include "triage/rule_set.h"
#include "triage/status.h"
#include "triage/timestamp.h"
#include "triage/version.h"

#include "compile/program.h"
#include "compile/rule_set_access.h"
#include "conversation/analysis_cache.h"
#include "conversation/keywords.h"
#include "scan/scan_state.h"
#include "util/sha256.h"

namespace triage {

void ConversationCounters::Merge(const ConversationCounters& other) {
  messages += other.messages;
  unthreaded += other.unthreaded;
  opened += other.opened;
  keywords += other.keywords;
  opted_out += other.opted_out;
  opted_in += other.opted_in;
  replies += other.replies;
  context_lost += other.context_lost;
  untimed += other.untimed;
}

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
// A `conversation` value longer than this is shown as a digest.
constexpr size_t kMaxLabelBytes = 128;

// The first text value of field `field`, or "" (also when the field is not mapped).
std::string_view FirstText(const internal::ScanState& state, int field) {
  if (field < 0) return {};
  const std::vector<std::string_view>& texts = state.Texts(field);
  return texts.empty() ? std::string_view() : texts.front();
}

bool HasControl(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// True if `value` is written like a phone number, so that it must not be shown: after an optional
// scheme ("tel:", "sms:", "whatsapp:" — ASCII letters and a colon), nothing but digits and the
// punctuation of phone numbers (space + - . ( ) /), with at least kPhoneDigits digits.
// "+15555550123", "tel:+1 (555) 555-0123" and "5555550123" are; "c-107", "CH3f9a…" and
// "2026-11-02-c7" are not. A purely numeric id of 7 digits or more is shown as a digest too:
// the safe side of the guess.
constexpr size_t kPhoneDigits = 7;
bool LooksLikePhoneNumber(std::string_view value) {
  size_t start = 0;
  while (start < value.size() && ((value[start] >= 'a' && value[start] <= 'z') ||
                                  (value[start] >= 'A' && value[start] <= 'Z'))) {
    ++start;
  }
  if (start > 0 && start < value.size() && value[start] == ':') {
    ++start;
  } else {
    start = 0;
  }
  size_t digits = 0;
  for (const char c : value.substr(start)) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (std::strchr(" +-.()/", c) == nullptr || c == '\0') {
      return false;
    }
  }
  return digits >= kPhoneDigits;
}

// The longest prefix of `text` of at most `limit` bytes that does not cut a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

class ConversationScanner::Impl {
 public:
  Impl(RuleSet rules, ConversationStore* store)
      : rules_(std::move(rules)),
        store_(store),
        state_(internal::RuleSetAccess::ProgramOf(rules_)),
        keywords_(internal::RuleSetAccess::ProgramOf(rules_).config.conversations) {
    const internal::Program& program = internal::RuleSetAccess::ProgramOf(rules_);
    if (program.analyzer != nullptr) {
      analyses_ = std::make_unique<internal::AnalysisCache>(program.analyzer.get());
    }
  }

  int Route(std::string_view json, ConversationTicket* ticket);
  void Admit(ConversationTicket* ticket);
  Status ScanJson(std::string_view json, const ConversationTicket& ticket, Decision* decision,
                  Decision* message);
  ConversationStore* store() { return store_; }

  const RuleSet& rules() const { return rules_; }
  internal::ScanState& state() { return state_; }
  const internal::ScanState& state() const { return state_; }
  const ConversationCounters& counters() const { return counters_; }

 private:
  // The key of the loaded record and its label ("" if it has none).
  bool Key(std::string* key, std::string* label) const;
  bool IsSms() const {
    return FirstText(state_, internal::RuleSetAccess::ProgramOf(rules_).conversation_fields.kind) == "sms";
  }
  // Reads the loaded record's text values into message_text_ (and single_text_).
  void ReadMessageText();
  // Steps 3 to 6 of the file comment, on the key's state.
  void Thread(ThreadState* thread, const ConversationAdmission& admission, const std::string& label,
              std::optional<int64_t> time, CarrierKeyword keyword, const std::string* reply,
              Decision* message, Decision* decision);
  // Evaluates the loaded record over the conversation window into *out.
  void EvaluateWindow(const ThreadState& thread, const Decision& message, Decision* out);

  RuleSet rules_;
  ConversationStore* store_;
  internal::ScanState state_;
  internal::KeywordTable keywords_;
  ConversationCounters counters_;
  Decision own_;              // the message's own decision when the caller wants none
  std::string message_text_;  // the loaded message's text values, joined
  std::string window_;        // the conversation window, joined (alive during evaluation)
  // The analyses of the window's messages (null without an analyzer), and the window's lines
  // as the word pass reads them (alive during evaluation).
  std::unique_ptr<internal::AnalysisCache> analyses_;
  std::vector<internal::Analyzer::Line> lines_;
  bool single_text_ = false;  // the message has exactly one text value
};

bool ConversationScanner::Impl::Key(std::string* key, std::string* label) const {
  const internal::ConversationFields& fields = internal::RuleSetAccess::ProgramOf(rules_).conversation_fields;
  const std::string_view conversation = FirstText(state_, fields.conversation);
  if (!conversation.empty()) {
    key->assign("c\x1f").append(conversation);
    if (conversation.size() > kMaxLabelBytes || HasControl(conversation) ||
        LooksLikePhoneNumber(conversation)) {
      *label = "cv-" + internal::Sha256Hex(conversation).substr(0, 16);
    } else {
      label->assign(conversation);
    }
    return true;
  }
  const std::string_view from = FirstText(state_, fields.from);
  if (from.empty()) return false;
  const std::string_view to = FirstText(state_, fields.to);
  key->assign("f\x1f").append(from).append("\x1f").append(to);
  std::string pair(from);
  pair.append("\n").append(to);
  *label = "ft-" + internal::Sha256Hex(pair).substr(0, 16);
  return true;
}

void ConversationScanner::Impl::ReadMessageText() {
  message_text_.clear();
  single_text_ = false;
  const int field = internal::RuleSetAccess::ProgramOf(rules_).conversation_fields.text;
  if (field < 0) return;
  const std::vector<std::string_view>& texts = state_.Texts(field);
  single_text_ = texts.size() == 1;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) message_text_.push_back('\n');
    message_text_.append(texts[i]);
  }
}

int ConversationScanner::Impl::Route(std::string_view json, ConversationTicket* ticket) {
  *ticket = ConversationTicket();
  // "sms" can only be the kind if the bytes say so (or hide it behind a \u escape).
  const auto contains = [json](const char* needle) {
    return json.find(needle) != std::string_view::npos;
  };
  if (!contains("sms") && !contains("\\u")) return -1;
  Decision scratch;
  if (!state_.Load(internal::RuleSetAccess::ProgramOf(rules_), json, &scratch).ok() || !IsSms()) return -1;
  std::string label;
  if (!Key(&ticket->key, &label)) return -1;
  ticket->time =
      ParseTimestamp(FirstText(state_, internal::RuleSetAccess::ProgramOf(rules_).conversation_fields.received_at));
  ReadMessageText();
  const std::string* reply = nullptr;
  ticket->keyword = keywords_.Classify(message_text_, &reply);
  ticket->partition = static_cast<int>(store_->PartitionOf(ticket->key));
  return ticket->partition;
}

void ConversationScanner::Impl::Admit(ConversationTicket* ticket) {
  ticket->admission = store_->Admit(ticket->key, ticket->time, ticket->keyword);
  ticket->admitted = true;
}

Status ConversationScanner::Impl::ScanJson(std::string_view json, const ConversationTicket& ticket,
                                           Decision* decision, Decision* message) {
  const internal::Program& program = internal::RuleSetAccess::ProgramOf(rules_);
  if (!ticket.admitted) {
    // No conversation message: triaged as Scanner::ScanJson would, straight into *decision.
    const Status loaded = state_.LoadJson(program, json, decision);
    if (!loaded.ok()) return loaded;
    state_.EvaluateLoaded(program, decision, /*count_hits=*/true);
    if (IsSms()) ++counters_.unthreaded;
    if (message != nullptr) *message = *decision;
    return Status::Ok();
  }
  Decision* msg = message != nullptr ? message : &own_;
  const Status loaded = state_.LoadJson(program, json, msg);
  if (!loaded.ok()) {
    *decision = Decision();
    decision->id = msg->id;
    return loaded;
  }
  std::string key;
  std::string label;
  // Admitted, so routed as an SMS with a key (the same bytes, the same ruleset).
  if (!IsSms() || !Key(&key, &label)) {
    return Status::Internal("a conversation message no longer reads as one");
  }
  // The message's text, read before the evaluation (which keeps the values as they are).
  ReadMessageText();
  state_.EvaluateLoaded(program, msg, /*count_hits=*/true);
  const std::string* reply = nullptr;
  const CarrierKeyword keyword = keywords_.Classify(message_text_, &reply);
  return store_->Update(key, [&](ThreadState* thread) {
    Thread(thread, ticket.admission, label, ticket.time, keyword, reply, msg, decision);
  });
}

void ConversationScanner::Impl::Thread(ThreadState* thread, const ConversationAdmission& admission,
                                       const std::string& label, std::optional<int64_t> time,
                                       CarrierKeyword keyword, const std::string* reply,
                                       Decision* message, Decision* decision) {
  const ConversationConfig& config = internal::RuleSetAccess::ProgramOf(rules_).config.conversations;
  // The store forgot the key since its last message: it is new again.
  if (admission.forgotten) *thread = ThreadState();
  // ... but a sender who opted out stays opted out (the store kept the opt-out).
  if (admission.opted_out) thread->opted_out = true;
  const int64_t idle = config.idle_timeout_seconds * kMicrosPerSecond;
  const bool idle_past =
      time.has_value() && thread->last_at.has_value() && *time - *thread->last_at >= idle;
  const bool continuing = !thread->id.empty() && !thread->ended && !idle_past;
  // The store let go of the conversation's texts since its last message.
  const bool context_lost = continuing && admission.context_lost;
  if (context_lost) thread->texts.clear();
  if (!continuing) {
    const std::string previous = thread->id;
    ThreadState fresh;
    fresh.opted_out = thread->opted_out;
    fresh.serial = thread->serial + 1;
    fresh.id = label + "@" + (time.has_value() ? FormatTimestamp(*time) : std::string("untimed"));
    // Two conversations of one key opened in the same second (a stop, then a new message).
    if (fresh.id == previous || !time.has_value()) fresh.id += "~" + std::to_string(fresh.serial);
    fresh.opened_at = time;
    *thread = std::move(fresh);
    ++counters_.opened;
  }
  ++thread->messages;
  ++counters_.messages;
  if (context_lost) ++counters_.context_lost;
  if (time.has_value()) {
    thread->last_at = std::max(thread->last_at.value_or(*time), *time);
    if (!thread->opened_at.has_value()) thread->opened_at = time;
  } else {
    ++counters_.untimed;
  }

  // Keywords.
  CarrierKeyword acted = keyword;
  switch (keyword) {
    case CarrierKeyword::kStop:
      thread->opted_out = true;
      thread->ended = true;
      ++counters_.opted_out;
      break;
    case CarrierKeyword::kStart:
      if (thread->opted_out) {
        thread->opted_out = false;
        ++counters_.opted_in;
      } else {
        acted = CarrierKeyword::kNone;  // "YES" from a sender who is not opted out: a message
      }
      break;
    case CarrierKeyword::kHelp:
    case CarrierKeyword::kNone:
      break;
  }
  if (acted != CarrierKeyword::kNone) ++counters_.keywords;

  // The window.
  if (acted == CarrierKeyword::kNone && !message_text_.empty()) {
    thread->texts.emplace_back(Utf8Prefix(message_text_, config.max_text_bytes));
    size_t bytes = thread->text_bytes();
    while (thread->texts.size() > 1 &&
           (thread->texts.size() > config.max_messages || bytes > config.max_text_bytes)) {
      bytes -= thread->texts.front().size();
      thread->texts.pop_front();
    }
  }

  // The conversation's evaluation, and its decision: the highest so far.
  Decision evaluated;
  EvaluateWindow(*thread, *message, &evaluated);
  // The message on its own is evidence too (a keyword, which the window leaves out; a rule that
  // the company of other messages turns off): the higher of the two counts. The hits of a
  // decision dropped or replaced go back to the scan state, whose next evaluations rewrite them.
  if (message->urgency > evaluated.urgency) {
    state_.RecycleHits(&evaluated);
    evaluated = *message;
  }
  if (thread->messages == 1 || evaluated.urgency >= thread->decision.urgency) {
    state_.RecycleHits(&thread->decision);
    thread->decision = std::move(evaluated);
  } else {
    state_.RecycleHits(&evaluated);
  }

  *decision = thread->decision;
  decision->id = message->id;
  decision->ruleset = internal::RuleSetAccess::ProgramOf(rules_).digest;
  decision->engine = EngineVersion();
  ConversationInfo info;
  info.id = thread->id;
  info.index = thread->messages;
  info.state = thread->opted_out ? ConversationState::kOptedOut : ConversationState::kOpen;
  info.opened_at = thread->opened_at;
  info.at = time;
  // A conversation closes on its idle timeout unless a stop keyword ended it; one of an
  // opted-out sender (the messages after STOP) is live too, and closes the same way.
  if (!thread->ended && thread->last_at.has_value()) info.closes_at = *thread->last_at + idle;
  info.keyword = acted;
  info.context_lost = context_lost;
  info.message_urgency = message->urgency;
  info.message_band = message->band;
  info.message_categories = message->categories;
  for (const RuleHit& hit : message->rules) info.message_rules.push_back(hit.rule);
  decision->conversation = std::move(info);
  if (reply != nullptr && acted != CarrierKeyword::kNone && !thread->opted_out) {
    decision->reply = *reply;
    ++counters_.replies;
  }
}

void ConversationScanner::Impl::EvaluateWindow(const ThreadState& thread, const Decision& message,
                                               Decision* out) {
  const internal::Program& program = internal::RuleSetAccess::ProgramOf(rules_);
  const std::deque<std::string>& texts = thread.texts;
  if (texts.empty() || program.conversation_fields.text < 0 ||
      (texts.size() == 1 && single_text_ && texts.front() == message_text_)) {
    *out = message;
    return;
  }
  const int field = program.conversation_fields.text;
  // The window's analysis is put together from its messages' (analysis_cache.h), when the text
  // is read as words and a line break ends a sentence (Analyzer::AnalyzeLines).
  bool lines = analyses_ != nullptr && program.word_field_of[field] >= 0 &&
               program.analyzer->config().line_breaks_end_sentences;
  // The newest message's analysis, made by its own evaluation: when its one text is the
  // window's last line as it is (not cut to max_text_bytes).
  const internal::AnalyzedText* newest = nullptr;
  if (lines) {
    analyses_->Round();
    lines_.clear();
    const std::vector<std::string_view>& own = state_.Texts(field);
    if (own.size() == 1 && own.front() == texts.back()) newest = state_.Analyzed(program, field, 0);
  }
  window_.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) window_.push_back('\n');
    if (lines) {
      internal::Analyzer::LineMemo* memo = nullptr;
      const internal::AnalyzedText* analyzed =
          analyses_->Get(texts[i], i + 1 == texts.size() ? newest : nullptr, &memo);
      if (analyzed == nullptr) {
        lines = false;  // another text of the same hash holds the slot: analysed whole
      } else {
        lines_.push_back({static_cast<uint32_t>(window_.size()), analyzed, memo});
      }
    }
    window_.append(texts[i]);
  }
  if (lines) {
    state_.ReplaceTexts(field, window_, &lines_);
  } else {
    state_.ReplaceTexts(field, window_);
  }
  *out = Decision();
  out->id = message.id;
  state_.EvaluateLoaded(program, out, /*count_hits=*/false);
}

ConversationScanner::ConversationScanner(RuleSet rules, ConversationStore* store)
    : impl_(std::make_unique<Impl>(std::move(rules), store)) {}
ConversationScanner::~ConversationScanner() = default;
ConversationScanner::ConversationScanner(ConversationScanner&&) noexcept = default;
ConversationScanner& ConversationScanner::operator=(ConversationScanner&&) noexcept = default;

Status ConversationScanner::ScanJson(std::string_view json, Decision* decision, Decision* message) {
  ConversationTicket ticket;
  if (impl_->Route(json, &ticket) >= 0) impl_->Admit(&ticket);
  const Status status = impl_->ScanJson(json, ticket, decision, message);
  if (ticket.admitted) impl_->store()->Settle();
  return status;
}

int ConversationScanner::Route(std::string_view json, ConversationTicket* ticket) {
  return impl_->Route(json, ticket);
}

void ConversationScanner::Admit(ConversationTicket* ticket) { impl_->Admit(ticket); }

Status ConversationScanner::ScanJson(std::string_view json, const ConversationTicket& ticket,
                                     Decision* decision, Decision* message) {
  return impl_->ScanJson(json, ticket, decision, message);
}

void ConversationScanner::set_collect_stats(bool on) {
  impl_->state().set_collect_stats(internal::RuleSetAccess::ProgramOf(impl_->rules()), on);
}
const ScanStats& ConversationScanner::stats() const { return impl_->state().stats(); }
const ConversationCounters& ConversationScanner::counters() const { return impl_->counters(); }
const RuleSet& ConversationScanner::rules() const { return impl_->rules(); }

}  // namespace triage
