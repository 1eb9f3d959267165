#!/bin/sh
# Installs the mayros binary for this machine: picks the release file for the OS and CPU, downloads
# it and SHA256SUMS from the release base URL, verifies the checksum and installs it as
# <prefix>/bin/mayros (default prefix ~/.local). Never needs root; refuses on a checksum mismatch.
#
#   curl -fsSL <release>/install.sh | sh
#   sh install.sh [--prefix DIR] [--version X.Y.Z] [--base-url URL]
#
# Environment: MAYROS_INSTALL_BASE_URL (where the release files are; overrides the default),
# MAYROS_INSTALL_OS (linux|darwin) and MAYROS_INSTALL_ARCH (x64|arm64) to fetch another machine's binary.
set -eu

REPO_RELEASES="https://github.com/mayros/mayros/releases"

usage() {
  cat <<EOF
Usage: install.sh [--prefix DIR] [--version X.Y.Z] [--base-url URL]

Downloads the mayros binary for this OS and CPU, checks it against SHA256SUMS and
installs it as DIR/bin/mayros (default DIR: \$HOME/.local). No root needed.

  --prefix DIR     install into DIR/bin (default \$HOME/.local)
  --version X.Y.Z  a release version (default: the latest release)
  --base-url URL   where the release files are (env MAYROS_INSTALL_BASE_URL)
  -h, --help       show this help
EOF
}

die() {
  printf 'install.sh: error: %s\n' "$1" >&2
  exit "${2:-1}"
}

prefix="${HOME:-}/.local"
version=""
base_url="${MAYROS_INSTALL_BASE_URL:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory" 2; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --version) [ $# -ge 2 ] || die "--version needs a version" 2; version="$2"; shift 2 ;;
    --version=*) version="${1#--version=}"; shift ;;
    --base-url) [ $# -ge 2 ] || die "--base-url needs a URL" 2; base_url="$2"; shift 2 ;;
    --base-url=*) base_url="${1#--base-url=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" 2 ;;
  esac
done
[ -n "$prefix" ] || die "no install prefix: HOME is not set; pass --prefix DIR" 2

if [ -z "$base_url" ]; then
  if [ -n "$version" ]; then base_url="$REPO_RELEASES/download/v${version#v}"; else base_url="$REPO_RELEASES/latest/download"; fi
fi
base_url="${base_url%/}"

# The release file for this machine: mayros-<linux|darwin>-<x64|arm64>.
detect_os() {
  case "$(uname -s)" in
    Linux) echo linux ;;
    Darwin) echo darwin ;;
    *) die "unsupported operating system: $(uname -s) (releases exist for Linux and macOS)" ;;
  esac
}
detect_arch() {
  case "$(uname -m)" in
    x86_64|amd64)
      # An x64 shell on Apple silicon runs under Rosetta: the native arm64 binary is the better fit.
      if [ "$(uname -s)" = Darwin ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then echo arm64; else echo x64; fi ;;
    aarch64|arm64) echo arm64 ;;
    armv6*|armv7*|armhf|armel) die "32-bit ARM ($(uname -m)) is not supported: install a 64-bit OS (e.g. Raspberry Pi OS 64-bit)" ;;
    *) die "unsupported CPU architecture: $(uname -m) (releases exist for x64 and arm64)" ;;
  esac
}
os="${MAYROS_INSTALL_OS:-$(detect_os)}"
arch="${MAYROS_INSTALL_ARCH:-$(detect_arch)}"
case "$os-$arch" in
  linux-x64|linux-arm64|darwin-x64|darwin-arm64) ;;
  *) die "no release for $os-$arch (MAYROS_INSTALL_OS is linux or darwin, MAYROS_INSTALL_ARCH is x64 or arm64)" 2 ;;
esac
file="mayros-$os-$arch"

download() { # url dest
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || die "download failed: $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "download failed: $1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() { # file
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{print $1}'
  else
    die "cannot verify the download: neither sha256sum nor shasum is installed"
  fi
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mayros-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

printf 'Downloading %s from %s\n' "$file" "$base_url"
download "$base_url/$file" "$tmp/$file"
download "$base_url/SHA256SUMS" "$tmp/SHA256SUMS"

# `sha256sum` lines: "<hex>  <name>" (or "<hex> *<name>" in binary mode).
expected="$(awk -v f="$file" '$2 == f || $2 == "*" f { print tolower($1); exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "SHA256SUMS from $base_url lists no checksum for $file; nothing was installed"
actual="$(sha256_of "$tmp/$file")"
if [ "$expected" != "$actual" ]; then
  die "checksum mismatch for $file: SHA256SUMS says $expected but the download is $actual; nothing was installed (retry, or report it if it persists)"
fi

bindir="${prefix%/}/bin"
mkdir -p "$bindir" || die "cannot create $bindir"
# Copy next to the target, then rename: a running mayros is never half-overwritten.
cp "$tmp/$file" "$bindir/.mayros.install.$$" || die "cannot write to $bindir"
chmod 755 "$bindir/.mayros.install.$$"
mv -f "$bindir/.mayros.install.$$" "$bindir/mayros" || die "cannot install $bindir/mayros"

printf 'Installed %s (sha256 %s) as %s\n' "$file" "$actual" "$bindir/mayros"
# shellcheck disable=SC2016 # $PATH is meant literally: the user's profile expands it.
case ":${PATH:-}:" in
  *":$bindir:"*) ;;
  *) printf '%s is not on your PATH: add  export PATH="%s:$PATH"  to your shell profile\n' "$bindir" "$bindir" ;;
esac
printf 'Next: mayros onboard   (then mayros gateway, or mayros service install)\n'
