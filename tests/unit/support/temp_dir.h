// A temporary folder for one test: created under ::testing::TempDir(), removed on destruction
// with every file written or tracked through it (files only, no sub-folders).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "vigie_test_XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~TempDir() {
    for (const std::string& p : files_) ::unlink(p.c_str());
    if (!path_.empty()) ::rmdir(path_.c_str());
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // The path of `name` in the folder, tracked for removal (for FIFOs, links, files made by the
  // code under test).
  std::string track(const std::string& name) {
    files_.push_back(path_ + "/" + name);
    return files_.back();
  }

  // Writes `content` to `name` (replacing it), sets `mode`, and returns the file's path.
  std::string write(const std::string& name, std::string_view content, mode_t mode = 0600) {
    std::string p = track(name);
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0) << p;
    if (fd < 0) return p;
    EXPECT_EQ(::write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    EXPECT_EQ(::fchmod(fd, mode), 0);
    ::close(fd);
    return p;
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace vigie::testing
