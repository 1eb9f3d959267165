# A stand-in for the few parts of Homebrew's formula DSL that Formula/mayros.rb uses, so a test can load
# the generated formula with plain Ruby and see what Homebrew would pick on one platform.
# Usage: ruby homebrew-dsl-stub.rb <macos|linux> <arm|intel> <formula.rb> <download-dir> [<bin-dir> <test-dir>]
# Prints JSON: the url/sha256/version chosen, the service's settings, what `install` put into bin (run with
# the download dir as the current directory, as Homebrew does), and, given a bin dir holding a `mayros`,
# whether the formula's `test do` block passed against it (run in the test dir, like `brew test`).
require "json"
require "pathname"

OS, CPU, FORMULA, DOWNLOADS, TEST_BIN, TEST_DIR = ARGV

class Formula
  class << self
    def recorded = (@recorded ||= {})
    def desc(value) = recorded[:desc] = value
    def homepage(value) = recorded[:homepage] = value
    def version(value) = recorded[:version] = value
    def url(value) = recorded[:url] = value
    def sha256(value) = recorded[:sha256] = value
    def on_macos = (yield if OS == "macos")
    def on_linux = (yield if OS == "linux")
    def on_arm = (yield if CPU == "arm")
    def on_intel = (yield if CPU == "intel")
    def service(&block) = recorded[:service] = block
    def test(&block) = recorded[:test] = block
  end

  # `bin.install "file" => "name"` recorded as [file, name] pairs.
  class Bin
    attr_reader :installed
    def initialize = @installed = []
    def install(mapping) = mapping.each { |from, to| @installed << [from, to] }
  end

  def version = self.class.recorded[:version]
  def bin = TEST_BIN ? Pathname(TEST_BIN) : (@bin ||= Bin.new)
  def testpath = Pathname(TEST_DIR)

  # The assertions and helper `test do` blocks use (Homebrew's raise on failure too).
  def assert_match(expected, actual) = (actual.include?(expected) or raise "expected #{actual.inspect} to contain #{expected.inspect}")
  def assert_equal(expected, actual) = (expected == actual or raise "expected #{expected.inspect}, got #{actual.inspect}")
  def shell_output(command)
    output = `#{command}`
    raise "#{command} exited #{$?.exitstatus}" unless $?.success?
    output
  end
  def opt_bin = Pathname("/opt/homebrew/opt/mayros/bin")
  def var = Pathname("/opt/homebrew/var")
end

# What a `service do` block sets; paths are asked of the formula.
class ServiceDsl
  attr_reader :settings
  def initialize(formula) = (@formula, @settings = formula, {})
  def run(command) = @settings[:run] = command.map(&:to_s)
  def keep_alive(value) = @settings[:keep_alive] = value
  def working_dir(value) = @settings[:working_dir] = value.to_s
  def log_path(value) = @settings[:log_path] = value.to_s
  def error_log_path(value) = @settings[:error_log_path] = value.to_s
  def method_missing(name, *args) = @formula.respond_to?(name) ? @formula.public_send(name, *args) : super
  def respond_to_missing?(name, all = false) = @formula.respond_to?(name) || super
end

load FORMULA
klass = Object.const_get(:Mayros)
formula = klass.new
service = ServiceDsl.new(formula)
service.instance_eval(&klass.recorded[:service])
if TEST_BIN
  Dir.chdir(TEST_DIR) { formula.instance_eval(&klass.recorded[:test]) }
  test_passed = true
else
  Dir.chdir(DOWNLOADS) { formula.install }
  installed = formula.bin.installed
end
puts JSON.generate(
  desc: klass.recorded[:desc], version: klass.recorded[:version], url: klass.recorded[:url], sha256: klass.recorded[:sha256],
  service: service.settings, test: !klass.recorded[:test].nil?, test_passed: test_passed || false, installed: installed || [], caveats: formula.caveats,
)
