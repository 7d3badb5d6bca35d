// Reading and writing the HDF5 session store (schema: docs/data-format.md).
#pragma once

#include <filesystem>

#include "data/session_store.h"
#include "data/store_truth.h"

namespace shoprl {

inline constexpr const char* kStoreMagic = "shoprl-session-store";
inline constexpr int kStoreFormatVersion = 1;

// Writes atomically (temporary file, then rename): a failure leaves no partial store and keeps
// any earlier file at `path`. Datasets are chunked and deflate-compressed. `truth`, when given
// and not empty, goes to the group /truth; the store and the truth are both validated before
// any file is touched. The same arguments give the same bytes.
void write_session_store(const SessionStore& store, const std::filesystem::path& path,
                         const StoreTruth* truth = nullptr);

// Reads and validates a whole store. IoError for a missing file; DataError naming the file
// and dataset for anything that is not a consistent shoprl store (not HDF5, truncated, wrong
// magic or version, missing dataset, inconsistent lengths, out-of-range indices). Never reads
// /truth: a store's ground truth reaches only code that asks for it with read_store_truth.
SessionStore read_session_store(const std::filesystem::path& path);

// Whether the store at `path` holds ground truth (the group /truth). IoError for a missing
// file; DataError for a file that is not a shoprl store.
bool store_has_truth(const std::filesystem::path& path);

// Reads the ground truth of the store at `path` and checks it against the store's row counts
// (from dataset shapes; the rest of the store is not read). IoError for a missing file;
// DataError naming the file, and the dataset where there is one, when the file is not a shoprl
// store, holds no truth, or holds truth that does not fit the store.
StoreTruth read_store_truth(const std::filesystem::path& path);

}  // namespace shoprl
