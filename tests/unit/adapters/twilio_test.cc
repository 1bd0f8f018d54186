// SPDX-License-Identifier: Apache-2.0
// Tests of TwilioSignatureValid, SenderHash and TwilioToRecordJson
// (engine/src/adapters/twilio.cc). Phone numbers are Twilio's published example or 555 numbers.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "triage/adapters.h"
#include "triage/status.h"

namespace triage::adapters {
namespace {

// Twilio's published example of a request signature ("Validating requests are coming from
// Twilio"): the URL, the POST parameters, the auth token and the signature it gives.
constexpr const char* kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
constexpr const char* kToken = "12345";
constexpr const char* kSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

std::vector<FormParam> VectorParams() {
  return {{"CallSid", "CA1234567890ABCDE"},
          {"Caller", "+12349013030"},
          {"Digits", "1234"},
          {"From", "+12349013030"},
          {"To", "+18005551212"}};
}

TEST(TwilioSignatureTest, PublishedVectorIsValid) {
  EXPECT_TRUE(TwilioSignatureValid(kToken, kUrl, VectorParams(), kSignature));
}

TEST(TwilioSignatureTest, ParamsAreSortedByNameWhateverTheirOrder) {
  std::vector<FormParam> params = VectorParams();
  std::swap(params[0], params[4]);
  std::swap(params[1], params[3]);
  EXPECT_TRUE(TwilioSignatureValid(kToken, kUrl, params, kSignature));
}

TEST(TwilioSignatureTest, SameFormParsedFromABodyIsValid) {
  const Result<std::vector<FormParam>> form = ParseForm(
      "To=%2B18005551212&From=%2B12349013030&Digits=1234&Caller=%2B12349013030&"
      "CallSid=CA1234567890ABCDE");
  ASSERT_TRUE(form.ok());
  EXPECT_TRUE(TwilioSignatureValid(kToken, kUrl, *form, kSignature));
}

TEST(TwilioSignatureTest, TamperedParamIsInvalid) {
  std::vector<FormParam> params = VectorParams();
  params[2].value = "1235";
  EXPECT_FALSE(TwilioSignatureValid(kToken, kUrl, params, kSignature));
}

TEST(TwilioSignatureTest, AddedOrRemovedParamIsInvalid) {
  std::vector<FormParam> added = VectorParams();
  added.push_back({"Body", "HELP"});
  EXPECT_FALSE(TwilioSignatureValid(kToken, kUrl, added, kSignature));
  std::vector<FormParam> removed = VectorParams();
  removed.pop_back();
  EXPECT_FALSE(TwilioSignatureValid(kToken, kUrl, removed, kSignature));
}

TEST(TwilioSignatureTest, SchemeDoesNotSeparateNameFromValue) {
  // Twilio's scheme concatenates names and values with nothing between them, so "Digits"+"1234"
  // and "Digit"+"s1234" sign the same: this documents the scheme (docs/adapters.md), which the
  // service must follow to accept Twilio's requests, rather than a property of ours.
  std::vector<FormParam> params = VectorParams();
  params[2] = {"Digit", "s1234"};
  EXPECT_TRUE(TwilioSignatureValid(kToken, kUrl, params, kSignature));
}

TEST(TwilioSignatureTest, WrongUrlIsInvalid) {
  for (const char* url :
       {"https://mycompany.com/myapp.php?foo=1&bar=3", "http://mycompany.com/myapp.php?foo=1&bar=2",
        "https://mycompany.com:443/myapp.php?foo=1&bar=2", "https://mycompany.com/myapp.php", ""}) {
    EXPECT_FALSE(TwilioSignatureValid(kToken, url, VectorParams(), kSignature)) << url;
  }
}

TEST(TwilioSignatureTest, WrongTokenIsInvalid) {
  EXPECT_FALSE(TwilioSignatureValid("12346", kUrl, VectorParams(), kSignature));
  EXPECT_FALSE(TwilioSignatureValid("", kUrl, VectorParams(), kSignature));
}

TEST(TwilioSignatureTest, MalformedSignatureIsInvalid) {
  for (const char* signature : {"", "0/KCTR6DLpKmkAf8muzZqo1nDgQ", "0/KCTR6DLpKmkAf8muzZqo1nDgQ==",
                                "0/KCTR6DLpKmkAf8muzZqo1nDgQ= ", " 0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
                                "0_KCTR6DLpKmkAf8muzZqo1nDgQ=", "!!!!!!!!!!!!!!!!!!!!!!!!!!!=",
                                "1/KCTR6DLpKmkAf8muzZqo1nDgQ=", "0/kctr6dlpkmkaf8muzzqo1ndgq="}) {
    EXPECT_FALSE(TwilioSignatureValid(kToken, kUrl, VectorParams(), signature)) << signature;
  }
  EXPECT_FALSE(TwilioSignatureValid(kToken, kUrl, VectorParams(),
                                    std::string(kSignature) + std::string(1, '\0')));
}

TEST(SenderHashTest, IsAKeyedHmacSha256InHex) {
  // HMAC-SHA256("test-secret", "+15555550123"), computed independently.
  EXPECT_EQ(SenderHash("test-secret", "+15555550123"),
            "h:f17f79044ff42f76cefacde58ee039fc71cff39f2d584a91bb329c3fd3a43143");
  EXPECT_NE(SenderHash("other-secret", "+15555550123"), SenderHash("test-secret", "+15555550123"));
  EXPECT_NE(SenderHash("test-secret", "+15555550124"), SenderHash("test-secret", "+15555550123"));
}

constexpr const char* kSecret = "test-secret";

TwilioOptions Options(std::string received_at = "2026-11-02T10:00:00Z") {
  TwilioOptions options;
  options.sender_secret = kSecret;
  options.received_at = std::move(received_at);
  return options;
}

std::vector<FormParam> SmsParams() {
  return {{"ToCountry", "US"},
          {"SmsMessageSid", "SM0123456789abcdef0123456789abcdef"},
          {"NumMedia", "1"},
          {"ToCity", "SPRINGFIELD"},
          {"FromState", "IL"},
          {"MessageSid", "SM0123456789abcdef0123456789abcdef"},
          {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
          {"From", "+15555550123"},
          {"To", "+15555550100"},
          {"Body", "He took my ID and says I owe him. Can someone call me?"},
          {"MediaContentType0", "image/jpeg"},
          {"MediaUrl0", "https://api.twilio.example/2010-04-01/Media/ME01"},
          {"WaId", "15555550123"},
          {"ProfileName", "Sam"},
          {"ApiVersion", "2010-04-01"}};
}

TEST(TwilioRecordTest, MapsAnInboundSmsOntoTheSmsShape) {
  const Result<std::string> record = TwilioToRecordJson(SmsParams(), Options());
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(*record,
            R"({"id":"SM0123456789abcdef0123456789abcdef","kind":"sms","channel":"sms",)"
            R"("from":"h:f17f79044ff42f76cefacde58ee039fc71cff39f2d584a91bb329c3fd3a43143",)"
            R"("to":"+15555550100","received_at":"2026-11-02T10:00:00Z",)"
            R"("body":"He took my ID and says I owe him. Can someone call me?",)"
            R"("media":{"count":1,"content_types":["image/jpeg"]},)"
            R"("geo":{"from_state":"IL","to_city":"SPRINGFIELD","to_country":"US"}})");
}

TEST(TwilioRecordTest, NeverCarriesThePhoneNumberMediaUrlsOrOtherParams) {
  const Result<std::string> record = TwilioToRecordJson(SmsParams(), Options());
  ASSERT_TRUE(record.ok());
  for (const char* absent : {"5555550123", "MediaUrl", "twilio.example", "Sam", "AccountSid",
                             "AC0123", "ApiVersion", "WaId"}) {
    EXPECT_EQ(record->find(absent), std::string::npos) << absent;
  }
}

TEST(TwilioRecordTest, ReceivedAtOptionIsNormalisedToUtc) {
  const Result<std::string> record =
      TwilioToRecordJson(SmsParams(), Options("2026-11-02T12:30:00+02:30"));
  ASSERT_TRUE(record.ok());
  EXPECT_NE(record->find(R"("received_at":"2026-11-02T10:00:00Z")"), std::string::npos);
}

TEST(TwilioRecordTest, WithoutTheOptionTheFormsReceivedAtIsUsed) {
  std::vector<FormParam> params = SmsParams();
  params.push_back({"received_at", "2026-11-02T08:15:00-05:00"});
  const Result<std::string> record = TwilioToRecordJson(params, Options(""));
  ASSERT_TRUE(record.ok());
  EXPECT_NE(record->find(R"("received_at":"2026-11-02T13:15:00Z")"), std::string::npos);
  // The caller's stamp wins over the form's.
  const Result<std::string> stamped = TwilioToRecordJson(params, Options());
  ASSERT_TRUE(stamped.ok());
  EXPECT_NE(stamped->find(R"("received_at":"2026-11-02T10:00:00Z")"), std::string::npos);
}

TEST(TwilioRecordTest, NoReceivedAtAnywhereIsMissingField) {
  const Result<std::string> record = TwilioToRecordJson(SmsParams(), Options(""));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().record_code(), "missing_field");
}

TEST(TwilioRecordTest, MalformedFormReceivedAtIsInvalidTimestamp) {
  std::vector<FormParam> params = SmsParams();
  params.push_back({"received_at", "yesterday"});
  const Result<std::string> record = TwilioToRecordJson(params, Options(""));
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().record_code(), "invalid_timestamp");
}

TEST(TwilioRecordTest, CallerMistakesAreInvalidArgument) {
  const Result<std::string> bad_time = TwilioToRecordJson(SmsParams(), Options("now"));
  ASSERT_FALSE(bad_time.ok());
  EXPECT_EQ(bad_time.status().code(), Status::Code::kInvalidArgument);
  TwilioOptions no_secret = Options();
  no_secret.sender_secret.clear();
  const Result<std::string> unhashed = TwilioToRecordJson(SmsParams(), no_secret);
  ASSERT_FALSE(unhashed.ok());
  EXPECT_EQ(unhashed.status().code(), Status::Code::kInvalidArgument);
}

std::vector<FormParam> Without(const char* name) {
  std::vector<FormParam> params;
  for (const FormParam& p : SmsParams()) {
    if (p.name != name) params.push_back(p);
  }
  return params;
}

TEST(TwilioRecordTest, MessageSidAndFromAreRequired) {
  for (const char* name : {"MessageSid", "From"}) {
    const Result<std::string> record = TwilioToRecordJson(Without(name), Options());
    ASSERT_FALSE(record.ok()) << name;
    EXPECT_EQ(record.status().record_code(), "missing_field");
    EXPECT_NE(record.status().message().find(name), std::string::npos);
  }
  std::vector<FormParam> empty_from = SmsParams();
  for (FormParam& p : empty_from) {
    if (p.name == "From") p.value.clear();
  }
  EXPECT_EQ(TwilioToRecordJson(empty_from, Options()).status().record_code(), "missing_field");
}

TEST(TwilioRecordTest, OptionalParamsMayBeAbsent) {
  const Result<std::string> record =
      TwilioToRecordJson({{"MessageSid", "SM1"}, {"From", "+15555550123"}}, Options());
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(*record,
            R"({"id":"SM1","kind":"sms","channel":"sms",)"
            R"("from":"h:f17f79044ff42f76cefacde58ee039fc71cff39f2d584a91bb329c3fd3a43143",)"
            R"("received_at":"2026-11-02T10:00:00Z","body":"",)"
            R"("media":{"count":0,"content_types":[]}})");
}

TEST(TwilioRecordTest, EmptyBodyWithMediaKeepsOnlyCountAndTypesUpToNumMedia) {
  const Result<std::string> record = TwilioToRecordJson(
      {{"MessageSid", "SM2"},
       {"From", "+15555550123"},
       {"Body", ""},
       {"NumMedia", "2"},
       {"MediaContentType1", "video/mp4"},
       {"MediaContentType0", "image/png"},
       {"MediaContentType2", "image/gif"},  // beyond NumMedia: not Twilio's, left out
       {"MediaUrl0", "https://media.example/1"}},
      Options());
  ASSERT_TRUE(record.ok());
  EXPECT_NE(
      record->find(R"("body":"","media":{"count":2,"content_types":["image/png","video/mp4"]})"),
      std::string::npos)
      << *record;
  EXPECT_EQ(record->find("media.example"), std::string::npos);
}

TEST(TwilioRecordTest, BadNumMediaIsInvalidValue) {
  for (const char* count : {"", "-1", "x", "101", "1000", "1e3"}) {
    const Result<std::string> record = TwilioToRecordJson(
        {{"MessageSid", "SM3"}, {"From", "+15555550123"}, {"NumMedia", count}}, Options());
    ASSERT_FALSE(record.ok()) << count;
    EXPECT_EQ(record.status().record_code(), "invalid_value") << count;
  }
}

TEST(TwilioRecordTest, ParamTheRecordTakesGivenTwiceIsDuplicateKey) {
  for (const char* name : {"Body", "From", "MessageSid", "MediaContentType0", "FromState"}) {
    std::vector<FormParam> params = SmsParams();
    params.push_back({name, "x"});
    const Result<std::string> record = TwilioToRecordJson(params, Options());
    ASSERT_FALSE(record.ok()) << name;
    EXPECT_EQ(record.status().record_code(), "duplicate_key") << name;
  }
  // Parameters the record does not take may repeat.
  std::vector<FormParam> params = SmsParams();
  params.push_back({"ApiVersion", "2010-04-01"});
  EXPECT_TRUE(TwilioToRecordJson(params, Options()).ok());
}

TEST(TwilioRecordTest, InvalidUtf8InATakenValueIsInvalidUtf8) {
  std::vector<FormParam> params = SmsParams();
  params.push_back({"FromCity", "\xC3("});
  const Result<std::string> record = TwilioToRecordJson(params, Options());
  ASSERT_FALSE(record.ok());
  EXPECT_EQ(record.status().record_code(), "invalid_utf8");
  // A sender that is not UTF-8 is hashed as bytes.
  const Result<std::string> from =
      TwilioToRecordJson({{"MessageSid", "SM4"}, {"From", "\xFF\xFE"}}, Options());
  EXPECT_TRUE(from.ok());
}

TEST(TwilioRecordTest, NoErrorMessageCarriesThePhoneNumberOrBody) {
  const std::vector<std::vector<FormParam>> bad = {
      {{"From", "+15555550123"}, {"Body", "meet at 5 tonight"}},
      {{"MessageSid", "SM5"}, {"From", "+15555550123"}, {"From", "+15555550123"}},
      {{"MessageSid", "SM5"}, {"From", "+15555550123"}, {"NumMedia", "+15555550123"}},
      {{"MessageSid", "SM5"}, {"From", "+15555550123"}, {"Body", "tonight \xFF"}},
      {{"MessageSid", "SM5"}, {"From", "+15555550123"}, {"received_at", "+15555550123"}},
  };
  for (const std::vector<FormParam>& params : bad) {
    const Result<std::string> record = TwilioToRecordJson(params, Options(""));
    ASSERT_FALSE(record.ok());
    EXPECT_EQ(record.status().message().find("5555550123"), std::string::npos)
        << record.status().message();
    EXPECT_EQ(record.status().message().find("tonight"), std::string::npos);
  }
}

}  // namespace
}  // namespace triage::adapters
