// Rng: the demo traffic's pseudo-random numbers, the same for one seed whatever the standard
// library.
//
// The standard library's engines are portable but its distributions are not (libstdc++ and libc++
// draw std::poisson_distribution differently), and the demo promises the same records for the
// same seed; so the generator (xoshiro256**, seeded through splitmix64) and every distribution
// here are written out (the few that use log/exp/cos rely on an IEEE libm, as glibc's is). Not
// for anything secret.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace vigie::demo {

// splitmix64: one 64-bit step; also what seeds xoshiro and mixes labels into seeds.
inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A 64-bit hash of a label (FNV-1a, then mixed): derives stable sub-seeds ("staff", "vpn"...).
inline std::uint64_t label_hash(std::string_view label) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : label) h = (h ^ c) * 0x100000001b3ULL;
  return splitmix64(h);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    std::uint64_t s = seed;
    for (std::uint64_t& w : s_) w = splitmix64(s);
  }
  // A generator of its own for `label`, independent of how much this one has been used.
  static Rng derived(std::uint64_t seed, std::string_view label) {
    return Rng(seed ^ label_hash(label));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform integer in [lo, hi] (hi >= lo).
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(span == 0 ? next() : next() % span);
  }
  // Index in [0, n).
  std::size_t index(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return uniform() < p; }
  // Exponential with the given mean.
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
  // Normal(mean, sd), Box-Muller.
  double normal(double mean, double sd) {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Poisson with the given mean: Knuth's product method below 30, a rounded normal above.
  std::uint64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean < 30) {
      const double limit = std::exp(-mean);
      double p = 1.0;
      std::uint64_t k = 0;
      while (true) {
        p *= uniform();
        if (p <= limit) return k;
        ++k;
      }
    }
    const double v = std::round(normal(mean, std::sqrt(mean)));
    return v <= 0 ? 0 : static_cast<std::uint64_t>(v);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace vigie::demo
