// SPDX-License-Identifier: Apache-2.0
// JsonOut (engine/src/output/json_out.h) writes what rapidjson's Writer writes, byte for byte:
// the decision lines' contract was rapidjson's output, so every test drives both with the same
// calls and compares.
#include "output/json_out.h"

#include <climits>
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace triage::internal {
namespace {

// Both writers, driven together.
struct Both {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> reference{buffer};
  std::string out;
  JsonOut fast{&out};

  void StartObject() {
    reference.StartObject();
    fast.StartObject();
  }
  void EndObject() {
    reference.EndObject();
    fast.EndObject();
  }
  void StartArray() {
    reference.StartArray();
    fast.StartArray();
  }
  void EndArray() {
    reference.EndArray();
    fast.EndArray();
  }
  void Key(const std::string& key) {
    reference.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    fast.Key(key.data(), key.size());
  }
  void String(const std::string& text) {
    reference.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    fast.String(text.data(), text.size());
  }
  void Int(int value) {
    reference.Int(value);
    fast.Int(value);
  }
  void Uint64(uint64_t value) {
    reference.Uint64(value);
    fast.Uint64(value);
  }
  void Bool(bool value) {
    reference.Bool(value);
    fast.Bool(value);
  }
  std::string Reference() const { return {buffer.GetString(), buffer.GetSize()}; }
  // The fast writer's output (after Finish).
  const std::string& Out() {
    if (!finished) fast.Finish();
    finished = true;
    return out;
  }
  bool finished = false;
};

TEST(JsonOutTest, EscapesEveryByteValueAsRapidjsonDoes) {
  for (int c = 0; c < 256; ++c) {
    Both both;
    both.String(std::string("a") + static_cast<char>(c) + "b");
    EXPECT_EQ(both.Out(), both.Reference()) << "byte " << c;
  }
  Both all;
  std::string every;
  for (int c = 0; c < 256; ++c) every.push_back(static_cast<char>(c));
  all.String(every);
  EXPECT_EQ(all.Out(), all.Reference());
  EXPECT_EQ(all.Out().substr(0, 13), R"("\u0000\u0001)");  // upper-case hex, as rapidjson
}

TEST(JsonOutTest, WritesUtf8AndEmbeddedNulsAsIs) {
  Both both;
  both.StartArray();
  both.String("ni\xC3\xB1" "a \xE2\x80\x94 \xF0\x9F\x98\x80");
  both.String(std::string("a\0b", 3));
  both.String("");
  both.String("quote \" backslash \\ slash /");
  both.EndArray();
  EXPECT_EQ(both.Out(), both.Reference());
}

TEST(JsonOutTest, SeparatesKeysValuesAndNestedContainersAsRapidjsonDoes) {
  Both both;
  both.StartObject();
  both.Key("id");
  both.String("r-1");
  both.Key("triage");
  both.StartObject();
  both.Key("rules");
  both.StartArray();
  for (int i = 0; i < 3; ++i) {
    both.StartObject();
    both.Key("rule");
    both.String("r" + std::to_string(i));
    both.Key("urgency");
    both.Int(i * 5 - 5);
    both.EndObject();
  }
  both.EndArray();
  both.Key("empty");
  both.StartArray();
  both.EndArray();
  both.Key("none");
  both.StartObject();
  both.EndObject();
  both.Key("index");
  both.Uint64(7);
  both.Key("lost");
  both.Bool(true);
  both.Key("open");
  both.Bool(false);
  both.EndObject();
  both.EndObject();
  EXPECT_EQ(both.Out(), both.Reference());
}

TEST(JsonOutTest, WritesIntegersAsRapidjsonDoes) {
  Both both;
  both.StartArray();
  for (const int v : {0, 1, -1, 9, 10, 99, 100, -100, 123456789, INT_MAX, INT_MIN}) both.Int(v);
  for (const uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{10000000000}, UINT64_MAX}) {
    both.Uint64(v);
  }
  both.EndArray();
  EXPECT_EQ(both.Out(), both.Reference());
}

TEST(JsonOutTest, RandomDocumentsMatchRapidjson) {
  std::mt19937 random(11);
  for (int round = 0; round < 200; ++round) {
    Both both;
    both.StartObject();
    const int members = static_cast<int>(random() % 8);
    for (int m = 0; m < members; ++m) {
      std::string key;
      const int key_size = static_cast<int>(random() % 6);
      for (int k = 0; k < key_size; ++k) key.push_back(static_cast<char>(random() % 256));
      both.Key(key);
      switch (random() % 4) {
        case 0: {
          std::string text;
          const int size = static_cast<int>(random() % 40);
          for (int k = 0; k < size; ++k) {
            // Mostly printable ASCII, some control bytes, quotes and high bytes.
            const uint32_t pick = random() % 10;
            text.push_back(static_cast<char>(pick < 7   ? 0x20 + random() % 0x5F
                                             : pick < 8 ? random() % 0x20
                                             : pick < 9 ? (random() % 2 != 0 ? '"' : '\\')
                                                        : 0x80 + random() % 0x80));
          }
          both.String(text);
          break;
        }
        case 1:
          both.Int(static_cast<int>(random()));
          break;
        case 2:
          both.StartArray();
          for (uint32_t k = random() % 4; k > 0; --k) both.Uint64(random());
          both.EndArray();
          break;
        default:
          both.Bool(random() % 2 != 0);
          break;
      }
    }
    both.EndObject();
    ASSERT_EQ(both.Out(), both.Reference()) << "round " << round;
  }
}

}  // namespace
}  // namespace triage::internal
