// DecoderFixture: what every decoder plugin test needs — a decoder of one format of its family,
// made over a FieldTable holding every field any format declares (as `vigie decode` does), in a
// chosen zone, and a field of a decoded event read back as text.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "decode/decoder.h"
#include "decode/fields.h"
#include "ingest/zone.h"

namespace vigie::test {

class DecoderFixture : public ::testing::Test {
 protected:
  explicit DecoderFixture(decode::Family family) : family_(family) {}

  // A decoder of `format` (of the fixture's family), with timestamps without an offset read in
  // `zone`; nullptr (and a test failure) when the format or the zone does not exist.
  std::unique_ptr<decode::Decoder> make(std::string_view format,
                                        const char* zone = "Europe/Paris") {
    const decode::Format* f = decode::builtin_plugins().find(family_, format);
    EXPECT_NE(f, nullptr) << format;
    if (f == nullptr) return nullptr;
    auto z = ingest::load_zone(zone);
    EXPECT_TRUE(z.ok()) << zone;
    if (!z.ok()) return nullptr;
    zone_ = *z;
    decode::DecoderSetup setup;
    setup.fields = &fields_;
    setup.zone = zone_.get();
    setup.max_record_bytes = max_record_bytes_;
    return f->make(setup);
  }

  // The value of a field as text ("<absent>" when not set); integers in decimal.
  std::string text(const event::Event& e, std::string_view name) const {
    auto id = fields_.find(name);
    const event::Value* v = id ? e.get(*id) : nullptr;
    if (v == nullptr) return "<absent>";
    if (v->kind == event::Kind::kInt) return std::to_string(v->integer);
    return std::string(v->text);
  }

  event::FieldTable fields_ = [] {
    event::FieldTable t;
    decode::intern_all_fields(decode::builtin_plugins(), t);
    return t;
  }();
  std::shared_ptr<const ingest::Zone> zone_;
  std::size_t max_record_bytes_ = 1 << 20;
  decode::Family family_;
};

}  // namespace vigie::test
