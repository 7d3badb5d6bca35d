// The one rule for where a job writes (docs/cli.md, "Where commands write"): a job owns one
// output folder; nothing is created or changed there until every check has passed; a folder
// that already holds files is refused unless the user asked to replace it (--overwrite) or to
// continue it (train --resume); and a job that fails leaves no new folder behind.
#pragma once

#include <filesystem>
#include <string>

namespace shoprl {

enum class RunFolderMode {
  kNew,        // the folder must be absent or empty
  kOverwrite,  // an existing folder's contents are replaced
  kResume,     // the folder is continued as it is
};

// Throws, before anything is written, when a job may not write `dir` in `mode`: an IoError
// naming the folder and what it holds for kNew (with `resume_hint`, when the job can continue
// it, e.g. "shoprl train --resume runs/x"), or naming the missing folder for kResume.
void check_run_folder(const std::filesystem::path& dir, RunFolderMode mode,
                      const std::string& resume_hint = "");

// A job's output folder, opened after check_run_folder and every other check passed: created
// (kNew), emptied (kOverwrite) or kept (kResume). If the job ends with an exception before
// finish(), a folder that this object created is removed again, unless it now holds
// `keep_if_present` (a checkpoint to resume from).
class RunFolder {
 public:
  RunFolder(std::filesystem::path dir, RunFolderMode mode, std::string keep_if_present = "");
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  // The job completed: the folder stays whatever happens next.
  void finish() { finished_ = true; }

 private:
  std::filesystem::path dir_;
  std::string keep_if_present_;
  bool created_ = false;
  bool finished_ = false;
};

}  // namespace shoprl
