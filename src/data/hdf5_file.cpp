#include "data/hdf5_file.h"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "core/error.h"

namespace shoprl {

static_assert(std::is_same_v<hid_t, Hdf5Id>, "hdf5_file.h spells hid_t as std::int64_t");

namespace {

using Kind = Hdf5Handle::Kind;

constexpr unsigned kDeflateLevel = 1;
constexpr std::size_t kMaxChunkRows = std::size_t{1} << 16;
// Caps chunks of wide 2-D datasets; whole-dataset reads do not go through the chunk cache, so
// the cache size does not bound this.
constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 22;
// Growth step of an in-memory file being written (the core driver zeroes each new step).
constexpr std::size_t kMemoryIncrement = std::size_t{1} << 22;

// Messages go into our exceptions instead of HDF5's own stderr dump. Not thread-scoped: the
// Debian build is not thread-safe, so the setting is global.
void silence_library_errors() {
  static const bool silenced = (H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr), true);
  (void)silenced;
}

// The most specific message on HDF5's error stack ("truncated file: eof = ..."), or "".
// Must run before any other HDF5 call, which would clear the stack.
std::string innermost_error() {
  std::string message;
  const auto keep_first = [](unsigned n, const H5E_error2_t* error, void* out) -> herr_t {
    if (n == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_first, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

template <typename T>
struct Element;
template <>
struct Element<std::int8_t> {
  static hid_t memory() { return H5T_NATIVE_INT8; }
  static hid_t stored() { return H5T_STD_I8LE; }
  static constexpr const char* kName = "int8";
};
template <>
struct Element<std::int16_t> {
  static hid_t memory() { return H5T_NATIVE_INT16; }
  static hid_t stored() { return H5T_STD_I16LE; }
  static constexpr const char* kName = "int16";
};
template <>
struct Element<std::int32_t> {
  static hid_t memory() { return H5T_NATIVE_INT32; }
  static hid_t stored() { return H5T_STD_I32LE; }
  static constexpr const char* kName = "int32";
};
template <>
struct Element<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t stored() { return H5T_STD_I64LE; }
  static constexpr const char* kName = "int64";
};
template <>
struct Element<float> {
  static hid_t memory() { return H5T_NATIVE_FLOAT; }
  static hid_t stored() { return H5T_IEEE_F32LE; }
  static constexpr const char* kName = "float32";
};
template <>
struct Element<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t stored() { return H5T_IEEE_F64LE; }
  static constexpr const char* kName = "float64";
};

const char* type_class_name(H5T_class_t type_class) {
  switch (type_class) {
    case H5T_INTEGER:
      return "integer";
    case H5T_FLOAT:
      return "float";
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ENUM:
      return "enum";
    case H5T_ARRAY:
      return "array";
    case H5T_VLEN:
      return "variable-length";
    default:
      return "non-numeric";
  }
}

// HDF5 converts stored integers or floats of another width on read but clips values that do
// not fit; this turns clipping into a failed read, flagged so the message can say why.
H5T_conv_ret_t abort_on_overflow(H5T_conv_except_t except, hid_t, hid_t, void*, void*,
                                 void* overflow) {
  if (except != H5T_CONV_EXCEPT_RANGE_HI && except != H5T_CONV_EXCEPT_RANGE_LOW) {
    return H5T_CONV_UNHANDLED;
  }
  *static_cast<bool*>(overflow) = true;
  return H5T_CONV_ABORT;
}

Hdf5Handle file_access_properties() {
  Hdf5Handle fapl(Kind::kPropertyList, H5Pcreate(H5P_FILE_ACCESS));
  // 1.8 object headers: readable by any HDF5 >= 1.8 (h5py included), and they store
  // attributes over 64 KiB (a long resolved import config) densely instead of failing.
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18);
  // Closing the file fails while objects are open instead of silently keeping it open, so a
  // leaked handle cannot make close() report a flush that did not happen.
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_SEMI);
#if H5_VERSION_GE(1, 10, 7)
  // File systems without flock (some network mounts) would otherwise refuse every open.
  H5Pset_file_locking(fapl.get(), true, true);
#endif
  return fapl;
}

Hdf5Handle variable_string_type() {
  Hdf5Handle type(Kind::kDatatype, H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

// The end-of-file address recorded by a version 2 or 3 superblock at the start of `image`
// (HDF5 File Format Specification, "Superblock Version 2": signature, version, offset and
// length sizes, flags, then base, extension and end-of-file addresses), or 0 when absent.
std::uint64_t stored_end_of_file(const unsigned char* image, std::size_t size) {
  static constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  constexpr std::size_t kOffsetSize = 8;
  constexpr std::size_t kEndOfFileAt = 12 + 2 * kOffsetSize;
  if (size < kEndOfFileAt + kOffsetSize || std::memcmp(image, kSignature, 8) != 0 || image[8] < 2 ||
      image[9] != kOffsetSize) {
    return 0;
  }
  std::uint64_t end = 0;
  for (std::size_t i = kOffsetSize; i-- > 0;) end = (end << 8) | image[kEndOfFileAt + i];
  return end;
}

std::string attribute_label(const std::string& object, const std::string& name) {
  return "attribute '" + name + "' of " + object;
}

}  // namespace

// --- Hdf5Handle ---------------------------------------------------------------------------

Hdf5Handle& Hdf5Handle::operator=(Hdf5Handle&& other) noexcept {
  if (this != &other) {
    close();
    kind_ = other.kind_;
    id_ = other.id_;
    other.id_ = -1;
  }
  return *this;
}

bool Hdf5Handle::close() {
  if (id_ < 0) return true;
  herr_t status = 0;
  switch (kind_) {
    case Kind::kFile:
      status = H5Fclose(id_);
      break;
    case Kind::kGroup:
      status = H5Gclose(id_);
      break;
    case Kind::kDataset:
      status = H5Dclose(id_);
      break;
    case Kind::kDataspace:
      status = H5Sclose(id_);
      break;
    case Kind::kDatatype:
      status = H5Tclose(id_);
      break;
    case Kind::kPropertyList:
      status = H5Pclose(id_);
      break;
    case Kind::kAttribute:
      status = H5Aclose(id_);
      break;
    case Kind::kObject:
      status = H5Oclose(id_);
      break;
  }
  id_ = -1;
  return status >= 0;
}

// --- Opening and closing ------------------------------------------------------------------

// The memory of a file being written. The core driver releases its buffer through image_free
// when the file closes; keeping the buffer there leaves the final image, written by HDF5's
// own close (H5Fget_file_image before close yields a bad superblock checksum for 1.8-format
// files in HDF5 1.10.8).
struct Hdf5File::MemoryImage {
  void* data = nullptr;
  std::size_t capacity = 0;
  ~MemoryImage() { std::free(data); }

  static H5FD_file_image_callbacks_t callbacks(MemoryImage* image) {
    H5FD_file_image_callbacks_t callbacks{};
    callbacks.image_malloc = [](std::size_t size, H5FD_file_image_op_t, void*) {
      return std::malloc(size);
    };
    callbacks.image_memcpy = [](void* to, const void* from, std::size_t size, H5FD_file_image_op_t,
                                void*) { return std::memcpy(to, from, size); };
    callbacks.image_realloc = [](void* data, std::size_t size, H5FD_file_image_op_t, void* udata) {
      static_cast<MemoryImage*>(udata)->capacity = size;
      return std::realloc(data, size);
    };
    callbacks.image_free = [](void* data, H5FD_file_image_op_t op, void* udata) -> herr_t {
      if (op != H5FD_FILE_IMAGE_OP_FILE_CLOSE) {
        std::free(data);
        return 0;
      }
      auto* kept = static_cast<MemoryImage*>(udata);
      std::free(kept->data);
      kept->data = data;
      return 0;
    };
    // Property-list copies share the one MemoryImage, which Hdf5File owns.
    callbacks.udata_copy = [](void* udata) { return udata; };
    callbacks.udata_free = [](void*) -> herr_t { return 0; };
    callbacks.udata = image;
    return callbacks;
  }
};

Hdf5File::Hdf5File(std::unique_ptr<MemoryImage> image, Hdf5Handle file, std::string name,
                   std::filesystem::path write_to)
    : image_(std::move(image)),
      file_(std::move(file)),
      name_(std::move(name)),
      write_to_(std::move(write_to)) {}
Hdf5File::Hdf5File(Hdf5File&&) noexcept = default;
Hdf5File& Hdf5File::operator=(Hdf5File&&) noexcept = default;
Hdf5File::~Hdf5File() = default;

Hdf5File Hdf5File::create(const std::filesystem::path& path, const std::string& display_name) {
  silence_library_errors();
  // HDF5 never writes to disk itself here: in 1.10.8 a write or close that fails (a full
  // disk; reproduced with a file-size limit) leaves the library's file table broken, and the
  // process crashes at exit. Built in memory (the core driver, no backing store), the file
  // goes to disk in close() through plain writes whose failure is an ordinary IoError.
  auto image = std::make_unique<MemoryImage>();
  H5FD_file_image_callbacks_t callbacks = MemoryImage::callbacks(image.get());
  Hdf5Handle fapl = file_access_properties();
  if (H5Pset_fapl_core(fapl.get(), kMemoryIncrement, false) < 0 ||
      H5Pset_file_image_callbacks(fapl.get(), &callbacks) < 0) {
    throw IoError(display_name + ": cannot set up an in-memory HDF5 file: " + innermost_error());
  }
  // The root group is created with the file: no times in its header either (deterministic bytes).
  Hdf5Handle fcpl(Kind::kPropertyList, H5Pcreate(H5P_FILE_CREATE));
  H5Pset_obj_track_times(fcpl.get(), false);
  Hdf5Handle file(Kind::kFile, H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()));
  if (!file.valid()) {
    throw IoError(display_name + ": cannot create an HDF5 file: " + innermost_error());
  }
  return Hdf5File(std::move(image), std::move(file), display_name, path);
}

Hdf5File Hdf5File::open_read_only(const std::filesystem::path& path) {
  silence_library_errors();
  const std::string name = path.string();
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw IoError(name + ": file not found");
  if (std::filesystem::is_directory(status)) throw IoError(name + ": is a directory");
  if (::access(path.c_str(), R_OK) != 0) {
    throw IoError(name + ": cannot open: " + errno_message(errno));
  }
  Hdf5Handle fapl = file_access_properties();
  Hdf5Handle file(Kind::kFile, H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()));
  if (!file.valid()) {
    const std::string detail = innermost_error();
    throw DataError(name + ": not a readable HDF5 file (truncated or corrupt?)" +
                    (detail.empty() ? "" : ": " + detail));
  }
  return Hdf5File(nullptr, std::move(file), name, {});
}

void Hdf5File::close() {
  if (write_to_.empty()) {
    if (!file_.close()) fail("file", "cannot close");
    return;
  }
  if (!file_.close()) fail("file", "cannot close");
  // The buffer grows in whole increments; the file is as long as its superblock says.
  const std::uint64_t size =
      image_->data == nullptr
          ? 0
          : stored_end_of_file(static_cast<const unsigned char*>(image_->data), image_->capacity);
  if (size == 0 || size > image_->capacity) {
    throw IoError(name_ + ": HDF5 closed without a complete file image");
  }
  std::ofstream out(write_to_, std::ios::binary | std::ios::trunc);
  out.write(static_cast<const char*>(image_->data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    throw IoError(name_ + ": cannot write " + write_to_.string() + ": " + errno_message(errno));
  }
}

void Hdf5File::fail(const std::string& what, const std::string& problem) const {
  const std::string detail = innermost_error();
  std::string message = name_ + ": " + what + ": " + problem;
  if (!detail.empty()) message += " (HDF5: " + detail + ")";
  if (!write_to_.empty()) throw IoError(message);
  throw DataError(message);
}

bool Hdf5File::exists(const std::string& path) const {
  if (path == "/") return true;
  // H5Lexists needs every parent group to exist, so test the path one component at a time.
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const htri_t found = H5Lexists(file_.get(), path.substr(0, slash).c_str(), H5P_DEFAULT);
    if (found < 0) H5Eclear2(H5E_DEFAULT);  // a parent that is not a group: simply absent
    if (found <= 0) return false;
    if (slash == std::string::npos) return true;
  }
}

// --- Datasets -----------------------------------------------------------------------------

void Hdf5File::create_group(const std::string& path) {
  if (path == "/") return;  // made with the file
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string group = path.substr(0, slash);
    if (H5Lexists(file_.get(), group.c_str(), H5P_DEFAULT) <= 0) {
      Hdf5Handle creation(Kind::kPropertyList, H5Pcreate(H5P_GROUP_CREATE));
      H5Pset_obj_track_times(creation.get(), false);  // deterministic bytes, as for datasets
      Hdf5Handle created(Kind::kGroup, H5Gcreate2(file_.get(), group.c_str(), H5P_DEFAULT,
                                                  creation.get(), H5P_DEFAULT));
      if (!created.valid()) fail("group " + group, "cannot create");
    }
    if (slash == std::string::npos) return;
  }
}

void Hdf5File::create_parent_groups(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash != 0 && slash != std::string::npos) create_group(path.substr(0, slash));
}

void Hdf5File::write_dataset(const std::string& path, const void* data, int rank, std::size_t rows,
                             std::size_t columns, Hdf5Id memory_type, Hdf5Id stored_type) {
  const std::string what = "dataset " + path;
  const hsize_t dims[2] = {rows, columns};
  Hdf5Handle space(Kind::kDataspace, H5Screate_simple(rank, dims, nullptr));
  if (!space.valid()) fail(what, "cannot create its dataspace");

  Hdf5Handle creation(Kind::kPropertyList, H5Pcreate(H5P_DATASET_CREATE));
  // No creation/modification times in object headers: the same store gives the same bytes.
  H5Pset_obj_track_times(creation.get(), false);
  create_parent_groups(path);
  if (rows > 0 && columns > 0) {
    // Chunks must not exceed fixed dimensions, hence no chunking (and no filters) when empty.
    const std::size_t row_bytes = columns * H5Tget_size(stored_type);
    const std::size_t chunk_rows =
        std::min({rows, kMaxChunkRows, std::max<std::size_t>(1, kMaxChunkBytes / row_bytes)});
    const hsize_t chunk[2] = {chunk_rows, columns};
    if (H5Pset_chunk(creation.get(), rank, chunk) < 0 || H5Pset_shuffle(creation.get()) < 0 ||
        H5Pset_deflate(creation.get(), kDeflateLevel) < 0) {
      fail(what, "cannot set chunking and compression");
    }
  }
  Hdf5Handle link(Kind::kPropertyList, H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(link.get(), 1);

  Hdf5Handle dataset(Kind::kDataset, H5Dcreate2(file_.get(), path.c_str(), stored_type, space.get(),
                                                link.get(), creation.get(), H5P_DEFAULT));
  if (!dataset.valid()) fail(what, "cannot create");
  if (rows * columns > 0 &&
      H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail(what, "cannot write");
  }
  if (!dataset.close()) fail(what, "cannot close");
}

template <typename T>
void Hdf5File::write_array(const std::string& path, const std::vector<T>& values) {
  write_dataset(path, values.data(), 1, values.size(), 1, Element<T>::memory(),
                Element<T>::stored());
}

template <typename T>
void Hdf5File::write_matrix(const std::string& path, const std::vector<T>& values, std::size_t rows,
                            std::size_t columns) {
  if (values.size() != rows * columns) {
    throw DataError(name_ + ": dataset " + path + ": " + std::to_string(values.size()) +
                    " values do not fill " + std::to_string(rows) + " rows of " +
                    std::to_string(columns) + " columns");
  }
  write_dataset(path, values.data(), 2, rows, columns, Element<T>::memory(), Element<T>::stored());
}

void Hdf5File::write_strings(const std::string& path, const std::vector<std::string>& values) {
  std::size_t width = 1;  // HDF5 strings have size >= 1
  for (const std::string& value : values) width = std::max(width, value.size());
  std::string buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::memcpy(buffer.data() + i * width, values[i].data(), values[i].size());
  }
  Hdf5Handle type(Kind::kDatatype, H5Tcopy(H5T_C_S1));
  if (H5Tset_size(type.get(), width) < 0 || H5Tset_strpad(type.get(), H5T_STR_NULLPAD) < 0) {
    fail("dataset " + path, "cannot make a string type of width " + std::to_string(width));
  }
  write_dataset(path, buffer.data(), 1, values.size(), 1, type.get(), type.get());
}

Hdf5Handle Hdf5File::open_dataset(const std::string& path, int rank, std::size_t& rows,
                                  std::size_t& columns) const {
  const std::string what = "dataset " + path;
  if (!exists(path)) fail(what, "missing");
  Hdf5Handle dataset(Kind::kDataset, H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail(what, "cannot open (not a dataset?)");
  Hdf5Handle space(Kind::kDataspace, H5Dget_space(dataset.get()));
  if (!space.valid()) fail(what, "cannot read its shape");
  const int stored_rank = H5Sget_simple_extent_ndims(space.get());
  if (stored_rank != rank) {
    fail(what, "has rank " + std::to_string(stored_rank) + ", expected " + std::to_string(rank));
  }
  hsize_t dims[2] = {0, 1};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  rows = dims[0];
  columns = dims[1];
  return dataset;
}

template <typename T>
Hdf5Matrix<T> Hdf5File::read_dataset(const std::string& path, int rank) const {
  const std::string what = "dataset " + path;
  Hdf5Matrix<T> out;
  Hdf5Handle dataset = open_dataset(path, rank, out.rows, out.columns);
  Hdf5Handle stored(Kind::kDatatype, H5Dget_type(dataset.get()));
  if (!stored.valid()) fail(what, "cannot read its type");
  const H5T_class_t stored_class = H5Tget_class(stored.get());
  const H5T_class_t wanted_class = std::is_integral_v<T> ? H5T_INTEGER : H5T_FLOAT;
  if (stored_class != wanted_class) {
    fail(what, std::string("holds ") + type_class_name(stored_class) + " values, expected " +
                   Element<T>::kName);
  }
  if (out.rows >
      std::numeric_limits<std::size_t>::max() / sizeof(T) / std::max<std::size_t>(1, out.columns)) {
    fail(what, "is too large to read");
  }
  out.values.resize(out.rows * out.columns);
  if (out.values.empty()) return out;

  bool overflow = false;
  Hdf5Handle transfer(Kind::kPropertyList, H5Pcreate(H5P_DATASET_XFER));
  H5Pset_type_conv_cb(transfer.get(), abort_on_overflow, &overflow);
  if (H5Dread(dataset.get(), Element<T>::memory(), H5S_ALL, H5S_ALL, transfer.get(),
              out.values.data()) < 0) {
    fail(what, overflow ? std::string("values do not fit ") + Element<T>::kName
                        : std::string("cannot read (corrupt data?)"));
  }
  return out;
}

template <typename T>
std::vector<T> Hdf5File::read_array(const std::string& path) const {
  return read_dataset<T>(path, 1).values;
}

template <typename T>
Hdf5Matrix<T> Hdf5File::read_matrix(const std::string& path) const {
  return read_dataset<T>(path, 2);
}

std::vector<std::string> Hdf5File::read_strings(const std::string& path) const {
  std::size_t rows = 0;
  std::size_t columns = 0;
  Hdf5Handle dataset = open_dataset(path, 1, rows, columns);
  return read_string_values("dataset " + path, dataset.get(), false);
}

std::size_t Hdf5File::array_rows(const std::string& path) const {
  std::size_t rows = 0;
  std::size_t columns = 0;
  open_dataset(path, 1, rows, columns);
  return rows;
}

Hdf5Handle Hdf5File::open_any_rank(const std::string& path, std::vector<std::size_t>& shape) const {
  const std::string what = "dataset " + path;
  if (!exists(path)) fail(what, "missing");
  Hdf5Handle dataset(Kind::kDataset, H5Dopen2(file_.get(), path.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail(what, "cannot open (not a dataset?)");
  Hdf5Handle space(Kind::kDataspace, H5Dget_space(dataset.get()));
  if (!space.valid()) fail(what, "cannot read its shape");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 1) fail(what, "is a scalar, expected an array");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  shape.assign(dims.begin(), dims.end());
  return dataset;
}

Hdf5DatasetInfo Hdf5File::dataset_info(const std::string& path) const {
  Hdf5DatasetInfo info;
  Hdf5Handle dataset = open_any_rank(path, info.shape);
  Hdf5Handle creation(Kind::kPropertyList, H5Dget_create_plist(dataset.get()));
  if (creation.valid() && H5Pget_layout(creation.get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(info.shape.size());
    if (H5Pget_chunk(creation.get(), static_cast<int>(chunk.size()), chunk.data()) > 0) {
      info.chunk_rows = chunk[0];
    }
  }
  return info;
}

template <typename T>
Hdf5Rows<T> Hdf5File::read_rows(const std::string& path, std::size_t first_row,
                                std::size_t row_count) const {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>,
                "read_rows reads double or int64");
  const std::string what = "dataset " + path;
  Hdf5Rows<T> out;
  out.first_row = first_row;
  Hdf5Handle dataset = open_any_rank(path, out.shape);
  if (first_row > out.shape[0] || row_count > out.shape[0] - first_row) {
    fail(what, "rows " + std::to_string(first_row) + ".." + std::to_string(first_row + row_count) +
                   " are past its " + std::to_string(out.shape[0]) + " rows");
  }
  const std::size_t row_size = out.row_size();
  out.values.resize(row_count * row_size);
  if (out.values.empty()) return out;

  Hdf5Handle stored(Kind::kDatatype, H5Dget_type(dataset.get()));
  if (!stored.valid()) fail(what, "cannot read its type");
  const H5T_class_t stored_class = H5Tget_class(stored.get());
  if (stored_class != H5T_INTEGER && stored_class != H5T_FLOAT && stored_class != H5T_ENUM) {
    fail(what, std::string("holds ") + type_class_name(stored_class) + " values, expected numbers");
  }

  // The hyperslab of whole rows, in the file and as a flat buffer in memory.
  const std::size_t rank = out.shape.size();
  std::vector<hsize_t> start(rank, 0), count(out.shape.begin(), out.shape.end());
  start[0] = first_row;
  count[0] = row_count;
  Hdf5Handle file_space(Kind::kDataspace, H5Dget_space(dataset.get()));
  if (H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr) < 0) {
    fail(what, "cannot select rows " + std::to_string(first_row) + ".." +
                   std::to_string(first_row + row_count));
  }
  const hsize_t flat = out.values.size();
  Hdf5Handle memory_space(Kind::kDataspace, H5Screate_simple(1, &flat, nullptr));
  bool overflow = false;
  Hdf5Handle transfer(Kind::kPropertyList, H5Pcreate(H5P_DATASET_XFER));
  H5Pset_type_conv_cb(transfer.get(), abort_on_overflow, &overflow);
  auto read_into = [&](hid_t memory_type, void* buffer) {
    if (H5Dread(dataset.get(), memory_type, memory_space.get(), file_space.get(), transfer.get(),
                buffer) < 0) {
      fail(what, overflow ? std::string("values do not fit ") + Element<T>::kName
                          : std::string("cannot read (corrupt data?)"));
    }
  };

  if (stored_class == H5T_ENUM) {
    // h5py stores NumPy bools as an enum over int8; HDF5 converts enums only to enums, so the
    // values are read in the enum's own (native) type and widened from its integer base.
    Hdf5Handle native(Kind::kDatatype, H5Tget_native_type(stored.get(), H5T_DIR_ASCEND));
    Hdf5Handle base(Kind::kDatatype, H5Tget_super(stored.get()));
    const std::size_t width = H5Tget_size(native.get());
    const bool is_signed = H5Tget_sign(base.get()) == H5T_SGN_2;
    if (width > 8) fail(what, "holds an enum wider than 64 bits");
    std::vector<unsigned char> raw(out.values.size() * width);
    read_into(native.get(), raw.data());
    for (std::size_t i = 0; i < out.values.size(); ++i) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, raw.data() + i * width, width);  // little-endian hosts
      if (is_signed && width < 8 && (bits >> (8 * width - 1)) != 0) {
        bits |= ~std::uint64_t{0} << (8 * width);
      }
      out.values[i] = static_cast<T>(static_cast<std::int64_t>(bits));
    }
    return out;
  }
  if constexpr (std::is_integral_v<T>) {
    if (stored_class == H5T_FLOAT) {
      std::vector<double> real(out.values.size());
      read_into(H5T_NATIVE_DOUBLE, real.data());
      for (std::size_t i = 0; i < real.size(); ++i) {
        const double v = real[i];
        if (!(v == std::floor(v)) || std::abs(v) > 9.0e15) {
          fail(what, "row " + std::to_string(first_row + i / row_size) + ": value " +
                         std::to_string(v) + " is not a whole number");
        }
        out.values[i] = static_cast<T>(v);
      }
      return out;
    }
  }
  read_into(Element<T>::memory(), out.values.data());
  return out;
}

template Hdf5Rows<double> Hdf5File::read_rows<double>(const std::string&, std::size_t,
                                                      std::size_t) const;
template Hdf5Rows<std::int64_t> Hdf5File::read_rows<std::int64_t>(const std::string&, std::size_t,
                                                                  std::size_t) const;

std::vector<std::string> Hdf5File::read_string_values(const std::string& what, Hdf5Id source,
                                                      bool is_attribute) const {
  Hdf5Handle stored(Kind::kDatatype, is_attribute ? H5Aget_type(source) : H5Dget_type(source));
  Hdf5Handle space(Kind::kDataspace, is_attribute ? H5Aget_space(source) : H5Dget_space(source));
  if (!stored.valid() || !space.valid()) fail(what, "cannot read its type");
  const H5T_class_t stored_class = H5Tget_class(stored.get());
  if (stored_class != H5T_STRING) {
    fail(what, std::string("holds ") + type_class_name(stored_class) + " values, expected strings");
  }
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0) fail(what, "cannot read its shape");
  std::vector<std::string> out;
  if (count == 0) return out;
  out.reserve(static_cast<std::size_t>(count));

  // Same character set as stored: HDF5 refuses ASCII <-> UTF-8 conversions.
  Hdf5Handle memory(Kind::kDatatype, H5Tcopy(H5T_C_S1));
  H5Tset_cset(memory.get(), H5Tget_cset(stored.get()));
  const auto read = [&](void* buffer) {
    return is_attribute ? H5Aread(source, memory.get(), buffer)
                        : H5Dread(source, memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  };
  if (H5Tis_variable_str(stored.get()) > 0) {
    H5Tset_size(memory.get(), H5T_VARIABLE);
    std::vector<char*> strings(static_cast<std::size_t>(count), nullptr);
    if (read(strings.data()) < 0) fail(what, "cannot read (corrupt data?)");
    for (const char* s : strings) out.emplace_back(s == nullptr ? "" : s);
    H5Dvlen_reclaim(memory.get(), space.get(), H5P_DEFAULT, strings.data());
    return out;
  }
  const std::size_t width = H5Tget_size(stored.get());
  H5Tset_size(memory.get(), width);
  H5Tset_strpad(memory.get(), H5T_STR_NULLPAD);
  std::string buffer(static_cast<std::size_t>(count) * width, '\0');
  if (read(buffer.data()) < 0) fail(what, "cannot read (corrupt data?)");
  for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
    std::string_view value(buffer.data() + i * width, width);
    // NULLPAD pads with trailing NULs only, so embedded NULs stay part of the value.
    const std::size_t end = value.find_last_not_of('\0');
    out.emplace_back(end == std::string_view::npos ? std::string_view() : value.substr(0, end + 1));
  }
  return out;
}

// --- Attributes ---------------------------------------------------------------------------

bool Hdf5File::has_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object)) return false;
  const htri_t found = H5Aexists_by_name(file_.get(), object.c_str(), name.c_str(), H5P_DEFAULT);
  if (found < 0) H5Eclear2(H5E_DEFAULT);
  return found > 0;
}

void Hdf5File::write_attribute(const std::string& object, const std::string& name,
                               Hdf5Id stored_type, Hdf5Id memory_type, Hdf5Id space,
                               const void* data) {
  const std::string what = attribute_label(object, name);
  Hdf5Handle attribute(Kind::kAttribute,
                       H5Acreate_by_name(file_.get(), object.c_str(), name.c_str(), stored_type,
                                         space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!attribute.valid()) fail(what, "cannot create");
  if (data != nullptr && H5Awrite(attribute.get(), memory_type, data) < 0) {
    fail(what, "cannot write");
  }
  if (!attribute.close()) fail(what, "cannot close");
}

void Hdf5File::write_string_attribute(const std::string& object, const std::string& name,
                                      const std::string& value) {
  Hdf5Handle type = variable_string_type();
  Hdf5Handle space(Kind::kDataspace, H5Screate(H5S_SCALAR));
  const char* text = value.c_str();
  write_attribute(object, name, type.get(), type.get(), space.get(), &text);
}

void Hdf5File::write_string_list_attribute(const std::string& object, const std::string& name,
                                           const std::vector<std::string>& values) {
  Hdf5Handle type = variable_string_type();
  const hsize_t count = values.size();
  Hdf5Handle space(Kind::kDataspace, H5Screate_simple(1, &count, nullptr));
  std::vector<const char*> texts;
  texts.reserve(values.size());
  for (const std::string& value : values) texts.push_back(value.c_str());
  write_attribute(object, name, type.get(), type.get(), space.get(),
                  texts.empty() ? nullptr : texts.data());
}

void Hdf5File::write_int_attribute(const std::string& object, const std::string& name,
                                   std::int64_t value) {
  Hdf5Handle space(Kind::kDataspace, H5Screate(H5S_SCALAR));
  write_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space.get(), &value);
}

void Hdf5File::write_uint_attribute(const std::string& object, const std::string& name,
                                    std::uint64_t value) {
  Hdf5Handle space(Kind::kDataspace, H5Screate(H5S_SCALAR));
  write_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, space.get(), &value);
}

Hdf5Handle Hdf5File::open_attribute(const std::string& object, const std::string& name) const {
  const std::string what = attribute_label(object, name);
  if (!has_attribute(object, name)) fail(what, "missing");
  Hdf5Handle attribute(Kind::kAttribute, H5Aopen_by_name(file_.get(), object.c_str(), name.c_str(),
                                                         H5P_DEFAULT, H5P_DEFAULT));
  if (!attribute.valid()) fail(what, "cannot open");
  return attribute;
}

std::string Hdf5File::read_string_attribute(const std::string& object,
                                            const std::string& name) const {
  const std::string what = attribute_label(object, name);
  Hdf5Handle attribute = open_attribute(object, name);
  std::vector<std::string> values = read_string_values(what, attribute.get(), true);
  if (values.size() != 1) {
    fail(what, "holds " + std::to_string(values.size()) + " strings, expected one");
  }
  return std::move(values.front());
}

std::vector<std::string> Hdf5File::read_string_list_attribute(const std::string& object,
                                                              const std::string& name) const {
  Hdf5Handle attribute = open_attribute(object, name);
  return read_string_values(attribute_label(object, name), attribute.get(), true);
}

Hdf5Handle Hdf5File::open_integer_attribute(const std::string& object, const std::string& name,
                                            bool& is_unsigned) const {
  const std::string what = attribute_label(object, name);
  Hdf5Handle attribute = open_attribute(object, name);
  Hdf5Handle type(Kind::kDatatype, H5Aget_type(attribute.get()));
  Hdf5Handle space(Kind::kDataspace, H5Aget_space(attribute.get()));
  if (!type.valid() || !space.valid()) fail(what, "cannot read its type");
  const H5T_class_t type_class = H5Tget_class(type.get());
  if (type_class != H5T_INTEGER) {
    fail(what,
         std::string("holds ") + type_class_name(type_class) + " values, expected an integer");
  }
  if (H5Sget_simple_extent_npoints(space.get()) != 1) fail(what, "holds more than one value");
  is_unsigned = H5Tget_sign(type.get()) == H5T_SGN_NONE;
  return attribute;
}

std::int64_t Hdf5File::read_int_attribute(const std::string& object,
                                          const std::string& name) const {
  const std::string what = attribute_label(object, name);
  bool is_unsigned = false;
  Hdf5Handle attribute = open_integer_attribute(object, name, is_unsigned);
  // Read at the stored signedness, so that a value out of range is reported, not clipped.
  if (is_unsigned) {
    std::uint64_t value = 0;
    if (H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value) < 0) fail(what, "cannot read");
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(what, std::to_string(value) + " does not fit int64");
    }
    return static_cast<std::int64_t>(value);
  }
  std::int64_t value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0) fail(what, "cannot read");
  return value;
}

std::uint64_t Hdf5File::read_uint_attribute(const std::string& object,
                                            const std::string& name) const {
  const std::string what = attribute_label(object, name);
  bool is_unsigned = false;
  Hdf5Handle attribute = open_integer_attribute(object, name, is_unsigned);
  if (is_unsigned) {
    std::uint64_t value = 0;
    if (H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value) < 0) fail(what, "cannot read");
    return value;
  }
  std::int64_t value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0) fail(what, "cannot read");
  if (value < 0) fail(what, std::to_string(value) + " is negative, expected an unsigned value");
  return static_cast<std::uint64_t>(value);
}

// The element types the store uses; the templates live here to keep hdf5.h out of the header.
#define SHOPRL_HDF5_ELEMENT(T)                                                                    \
  template void Hdf5File::write_array<T>(const std::string&, const std::vector<T>&);              \
  template void Hdf5File::write_matrix<T>(const std::string&, const std::vector<T>&, std::size_t, \
                                          std::size_t);                                           \
  template std::vector<T> Hdf5File::read_array<T>(const std::string&) const;                      \
  template Hdf5Matrix<T> Hdf5File::read_matrix<T>(const std::string&) const;
SHOPRL_HDF5_ELEMENT(std::int8_t)
SHOPRL_HDF5_ELEMENT(std::int16_t)
SHOPRL_HDF5_ELEMENT(std::int32_t)
SHOPRL_HDF5_ELEMENT(std::int64_t)
SHOPRL_HDF5_ELEMENT(float)
SHOPRL_HDF5_ELEMENT(double)
#undef SHOPRL_HDF5_ELEMENT

}  // namespace shoprl
