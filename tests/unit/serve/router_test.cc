// SPDX-License-Identifier: Apache-2.0
// Router (serve/router.h): what each request of `triage serve` means, without a socket — the
// bearer token on /v1/* and /admin/* only, 404/405/415, the media type choosing one record or
// JSON Lines, the analyst page's headers, readiness and reload answers.

#include "router.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "triage/service.h"

#include "support/compile_helpers.h"

namespace triage::serve {
namespace {

constexpr char kRules[] = R"(
category enticement "Online enticement of children for sexual acts"
rule meeting "Arranging to meet" {
  when     text ~ /meet up/i
  urgency  +35
  category enticement +40
}
)";
constexpr char kRecord[] = R"({"id":"r-1","summary":"wants to meet up"})";

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(""); }

  void Start(const std::string& token) {
    testing::Compiled compiled = testing::CompileText(kRules);
    ASSERT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
    rules_ = *compiled.rules;
    Result<std::unique_ptr<Service>> started = Service::Start(*rules_, {});
    ASSERT_TRUE(started.ok());
    service_ = std::move(started).value();
    RouterOptions options;
    options.token = token;
    options.load = [this]() -> Result<RuleSet> {
      if (fail_load_) return Status::InvalidArgument("2 errors");
      return *rules_;
    };
    options.log = [this](const std::string& line) { log_ += line + "\n"; };
    router_ = std::make_unique<Router>(service_.get(), options);
  }

  RoutedResponse Send(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& type = "",
                      const std::string& authorization = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.content_type = type;
    request.authorization = authorization;
    return router_->Handle(0, request);
  }

  std::optional<RuleSet> rules_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Router> router_;
  bool fail_load_ = false;
  std::string log_;
};

TEST_F(RouterTest, TriageTakesOneRecordOrJsonLinesByMediaType) {
  const RoutedResponse one = Send("POST", "/v1/triage", kRecord, "application/json; charset=utf-8");
  EXPECT_EQ(one.response.status, 200);
  EXPECT_EQ(one.endpoint, "triage");
  EXPECT_EQ(one.response.body.rfind(R"({"id":"r-1","triage":{"urgency":{"score":35)", 0), 0U)
      << one.response.body;
  // No media type: one record.
  EXPECT_EQ(Send("POST", "/v1/triage", kRecord).response.status, 200);

  const RoutedResponse lines = Send(
      "POST", "/v1/triage", std::string(kRecord) + "\n" + kRecord + "\n", "Application/X-NDJSON");
  EXPECT_EQ(lines.response.status, 200);
  EXPECT_EQ(lines.response.content_type, "application/x-ndjson");
  EXPECT_EQ(std::count(lines.response.body.begin(), lines.response.body.end(), '\n'), 2);

  const RoutedResponse annotated = Send("POST", "/v1/triage?output=annotate", kRecord);
  EXPECT_EQ(
      annotated.response.body.rfind(R"({"id":"r-1","summary":"wants to meet up","triage":)", 0), 0U)
      << annotated.response.body;
  EXPECT_EQ(Send("POST", "/v1/triage?output=xml", kRecord).response.status, 400);
  const RoutedResponse xml = Send("POST", "/v1/triage", "<report/>", "application/xml");
  EXPECT_EQ(xml.response.status, 415);
  EXPECT_EQ(xml.response.error_code, "unsupported_media_type");
  EXPECT_EQ(Send("POST", "/v1/explain", kRecord, "application/x-ndjson").response.status, 415);
}

TEST_F(RouterTest, UnknownPathsAre404AndWrongMethods405) {
  const RoutedResponse missing = Send("GET", "/v2/triage");
  EXPECT_EQ(missing.response.status, 404);
  EXPECT_EQ(missing.endpoint, "other");
  EXPECT_EQ(missing.response.body,
            R"({"error":{"code":"not_found","message":"no such endpoint"}})");
  const RoutedResponse get = Send("GET", "/v1/triage");
  EXPECT_EQ(get.response.status, 405);
  ASSERT_EQ(get.headers.size(), 1U);
  EXPECT_EQ(get.headers[0].first, "Allow");
  EXPECT_EQ(get.headers[0].second, "POST");
  EXPECT_EQ(Send("POST", "/metrics").response.status, 405);
  // Refusals are counted by code.
  const std::string metrics = service_->MetricsText();
  EXPECT_NE(metrics.find("triage_errors_total{code=\"not_found\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("triage_errors_total{code=\"method_not_allowed\"} 2\n"),
            std::string::npos);
}

TEST_F(RouterTest, ABearerTokenGuardsV1AndAdminOnly) {
  Start("s3cret-token");
  const RoutedResponse missing = Send("POST", "/v1/triage", kRecord);
  EXPECT_EQ(missing.response.status, 401);
  EXPECT_EQ(missing.response.error_code, "unauthorized");
  ASSERT_EQ(missing.headers.size(), 1U);
  EXPECT_EQ(missing.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(Send("POST", "/v1/triage", kRecord, "", "Bearer s3cret-tokeN").response.status, 401);
  EXPECT_EQ(Send("POST", "/v1/triage", kRecord, "", "Bearer s3cret-token ").response.status, 401);
  EXPECT_EQ(Send("POST", "/v1/triage", kRecord, "", "Basic s3cret-token").response.status, 401);
  EXPECT_EQ(Send("POST", "/v1/triage", kRecord, "", "Bearer s3cret-token").response.status, 200);
  EXPECT_EQ(Send("POST", "/v1/triage", kRecord, "", "bearer s3cret-token").response.status, 200);
  EXPECT_EQ(Send("POST", "/admin/reload").response.status, 401);
  // Unknown paths under /v1/ do not tell an unauthenticated caller what exists.
  EXPECT_EQ(Send("GET", "/v1/nothing").response.status, 401);
  EXPECT_EQ(Send("POST", "/v1/explain", kRecord, "", "Bearer s3cret-token").response.status, 200);
  for (const char* open : {"/", "/healthz", "/readyz", "/metrics"}) {
    EXPECT_EQ(Send("GET", open).response.status, 200) << open;
  }
}

TEST_F(RouterTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abcabc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", ""));
}

TEST_F(RouterTest, ThePageIsSelfContainedHtmlWithAStrictPolicy) {
  const RoutedResponse page = Send("GET", "/");
  EXPECT_EQ(page.response.status, 200);
  EXPECT_EQ(page.response.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.response.body.find("<title>triage"), std::string::npos);
  EXPECT_NE(page.response.body.find("v1/explain"), std::string::npos);
  // Nothing loaded from elsewhere.
  EXPECT_EQ(page.response.body.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page.response.body.find("href=\"http"), std::string::npos);
  bool policy = false;
  for (const auto& [name, value] : page.headers) {
    if (name == "Content-Security-Policy") {
      policy = value.find("default-src 'none'") != std::string::npos &&
               value.find("connect-src 'self'") != std::string::npos;
    }
  }
  EXPECT_TRUE(policy);
}

TEST_F(RouterTest, ReadinessAndHealthAreJson) {
  EXPECT_EQ(Send("GET", "/healthz").response.body, R"({"status":"ok"})");
  const RoutedResponse ready = Send("GET", "/readyz");
  EXPECT_EQ(ready.response.status, 200);
  EXPECT_EQ(ready.response.body,
            R"({"ready":true,"ruleset":")" + rules_->digest() + R"(","rules":1})");
  ASSERT_TRUE(service_->Stop().ok());
  EXPECT_EQ(Send("GET", "/readyz").response.status, 503);
}

TEST_F(RouterTest, AFailedReloadIs422AndKeepsTheRuleset) {
  fail_load_ = true;
  const RoutedResponse failed = Send("POST", "/admin/reload");
  EXPECT_EQ(failed.response.status, 422);
  EXPECT_EQ(failed.response.error_code, "reload_failed");
  EXPECT_NE(failed.response.body.find("keeping ruleset " + rules_->digest()), std::string::npos);
  EXPECT_NE(log_.find("reload failed (POST /admin/reload); keeping ruleset " + rules_->digest()),
            std::string::npos)
      << log_;
  fail_load_ = false;
  const RoutedResponse reloaded = Send("POST", "/admin/reload");
  EXPECT_EQ(reloaded.response.status, 200);
  EXPECT_EQ(reloaded.response.body, R"({"reloaded":true,"ruleset":")" + rules_->digest() + "\"}");
}

TEST_F(RouterTest, AdapterEndpointsAnswer501WithoutAdapters) {
  for (const char* target : {"/v1/twilio/sms", "/v1/cybertipline"}) {
    const RoutedResponse response = Send("POST", target, "x=1");
    EXPECT_EQ(response.response.status, 501) << target;
    EXPECT_EQ(response.response.error_code, "not_implemented");
  }
}

// Fakes of the adapters (the real ones have tests of their own, and the end-to-end tests use
// them): a form split at '&' and '=', a "signature" that is "sig:" and the URL, an SMS record
// keyed by the sender.
IntakeAdapters FakeAdapters(std::string* stamped) {
  IntakeAdapters adapters;
  adapters.parse_form = [](std::string_view body) -> Result<std::vector<FormField>> {
    std::vector<FormField> fields;
    size_t begin = 0;
    while (begin <= body.size()) {
      size_t end = body.find('&', begin);
      if (end == std::string_view::npos) end = body.size();
      const std::string_view pair = body.substr(begin, end - begin);
      if (pair.find('%') != std::string_view::npos) {
        return Status::InvalidRecord("invalid_form", "a malformed escape");
      }
      const size_t eq = pair.find('=');
      if (!pair.empty()) {
        fields.push_back({std::string(pair.substr(0, eq)),
                          eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1))});
      }
      begin = end + 1;
    }
    return fields;
  };
  adapters.twilio_signature_valid = [](std::string_view token, std::string_view url,
                                       const std::vector<FormField>&, std::string_view signature) {
    return token == "twilio-token" && signature == "sig:" + std::string(url);
  };
  adapters.twilio_to_record = [stamped](const std::vector<FormField>& params,
                                        const std::string& secret,
                                        const std::string& received_at) -> Result<std::string> {
    *stamped = received_at;
    std::string sid;
    std::string from;
    std::string body;
    for (const FormField& field : params) {
      if (field.name == "MessageSid") sid = field.value;
      if (field.name == "From") from = field.value;
      if (field.name == "Body") body = field.value;
    }
    if (sid.empty()) return Status::InvalidRecord("missing_field", "no MessageSid");
    return R"({"id":")" + sid + R"(","kind":"sms","from":"h:)" + secret + from +
           R"(","to":"233733","received_at":")" + received_at + R"(","body":")" + body + "\"}";
  };
  adapters.cybertipline_to_record = [](std::string_view xml, const std::string& received_at,
                                       size_t /*max_bytes*/) -> Result<std::string> {
    if (xml.rfind("<report>", 0) != 0) return Status::InvalidRecord("not_a_report", "no report");
    return R"({"id":"ct-1","kind":"report","received_at":")" + received_at +
           R"(","summary":"the reporter says they will meet up"})";
  };
  return adapters;
}

class AdapterRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::Compiled compiled = testing::CompileText(
        "category hotline_contact \"A contact\"\n"
        "category enticement \"Online enticement\"\n"
        "rule keyword { when kind == \"sms\" and text ~ /^help$/i urgency +5 "
        "category hotline_contact +50 }\n"
        "rule meeting { when text ~ /meet up/i urgency +35 category enticement +40 }\n",
        "conversations:\n  replies:\n    HELP: \"Hotline: we <answer> here & now\"\n");
    ASSERT_TRUE(compiled.rules.has_value()) << compiled.Rendered();
    Result<std::unique_ptr<Service>> started = Service::Start(*compiled.rules, {});
    ASSERT_TRUE(started.ok());
    service_ = std::move(started).value();
    RouterOptions options;
    options.token = "bearer-token";
    options.adapters = FakeAdapters(&stamped_);
    options.twilio_auth_token = "twilio-token";
    options.sender_secret = "k";
    options.public_url = "https://triage.example.org/";
    options.now_micros = [] { return int64_t{1793613600123000}; };
    router_ = std::make_unique<Router>(service_.get(), options);
  }

  RoutedResponse Twilio(const std::string& body, const std::string& signature) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/v1/twilio/sms";
    request.content_type = "application/x-www-form-urlencoded";
    request.twilio_signature = signature;
    request.body = body;
    return router_->Handle(0, request);
  }

  std::string Decisions() {
    const std::string metrics = service_->MetricsText();
    return metrics.find("triage_decisions_total{") == std::string::npos ? "none" : "some";
  }

  std::unique_ptr<Service> service_;
  std::unique_ptr<Router> router_;
  std::string stamped_;
};

constexpr char kSigned[] = "sig:https://triage.example.org/v1/twilio/sms";

TEST_F(AdapterRouterTest, AnUnsignedOrWronglySignedWebhookIs403AndNeverTriaged) {
  const RoutedResponse missing = Twilio("MessageSid=SM1&From=+15555550123&Body=HELP", "");
  EXPECT_EQ(missing.response.status, 403);
  EXPECT_EQ(missing.response.error_code, "invalid_signature");
  const RoutedResponse wrong = Twilio("MessageSid=SM1&From=+15555550123&Body=HELP", "sig:other");
  EXPECT_EQ(wrong.response.status, 403);
  EXPECT_EQ(Decisions(), "none");
  EXPECT_EQ(stamped_, "") << "a refused webhook was converted";
  EXPECT_NE(service_->MetricsText().find("triage_errors_total{code=\"invalid_signature\"} 2"),
            std::string::npos);
}

TEST_F(AdapterRouterTest, ASignedKeywordGetsTheAutoReplyAsTwiml) {
  // No bearer token: the signature authenticates the webhook.
  const RoutedResponse help = Twilio("MessageSid=SM1&From=+15555550123&Body=HELP", kSigned);
  EXPECT_EQ(help.response.status, 200) << help.response.body;
  EXPECT_EQ(help.response.content_type, "text/xml; charset=utf-8");
  EXPECT_EQ(help.response.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Hotline: we "
            "&lt;answer&gt; here &amp; now</Message></Response>");
  // Stamped at receipt by the service's clock, into the record (and so the audit store).
  EXPECT_EQ(stamped_, "2026-11-02T10:00:00.123Z");
  const RoutedResponse story =
      Twilio("MessageSid=SM2&From=+15555550123&Body=can we meet up", kSigned);
  EXPECT_EQ(story.response.body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
}

TEST_F(AdapterRouterTest, AWebhookThatDoesNotConvertIsA400ErrorLine) {
  EXPECT_EQ(Twilio("From=+15555550123&Body=HELP", kSigned).response.error_code, "missing_field");
  const RoutedResponse malformed = Twilio("Body=%zz", kSigned);
  EXPECT_EQ(malformed.response.status, 400);
  EXPECT_EQ(malformed.response.error_code, "invalid_form");
  HttpRequest json;
  json.method = "POST";
  json.target = "/v1/twilio/sms";
  json.content_type = "application/json";
  json.twilio_signature = kSigned;
  EXPECT_EQ(router_->Handle(0, json).response.status, 415);
}

TEST_F(AdapterRouterTest, AReportXmlGetsItsDecisionLine) {
  HttpRequest request;
  request.method = "POST";
  request.target = "/v1/cybertipline";
  request.content_type = "application/xml";
  request.body = "<report>...</report>";
  EXPECT_EQ(router_->Handle(0, request).response.status, 401) << "the bearer token applies";
  request.authorization = "Bearer bearer-token";
  const RoutedResponse decided = router_->Handle(0, request);
  EXPECT_EQ(decided.response.status, 200);
  EXPECT_EQ(decided.response.body.rfind(R"({"id":"ct-1","triage":{"urgency":{"score":35)", 0), 0U)
      << decided.response.body;
  request.body = "<html/>";
  const RoutedResponse refused = router_->Handle(0, request);
  EXPECT_EQ(refused.response.status, 400);
  EXPECT_EQ(refused.response.error_code, "not_a_report");
}

TEST_F(RouterTest, EndpointNamesAreAFixedSet) {
  EXPECT_EQ(Router::EndpointOf("/v1/triage?output=annotate"), "triage");
  EXPECT_EQ(Router::EndpointOf("/v1/triage/../secret"), "other");
  EXPECT_EQ(Router::EndpointOf("/metrics"), "metrics");
}

}  // namespace
}  // namespace triage::serve
