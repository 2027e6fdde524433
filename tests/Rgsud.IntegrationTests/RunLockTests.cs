using Rgsud.Cli;
using Rgsud.Cli.Commands;

namespace Rgsud.IntegrationTests;

/// <summary>Issue 8, concurrency: two runs cannot share one output folder; a dead run's lock does not block.</summary>
public sealed class RunLockTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("rgsud-lock-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_second_lock_on_a_held_folder_fails_with_a_clear_message_and_succeeds_once_released()
    {
        var first = RunLock.Acquire(dir);
        var e = Assert.Throws<RgsudFileException>(() => RunLock.Acquire(dir).Dispose());
        Assert.Equal(dir, e.FilePath);
        Assert.Equal("another rgsud process is using this run folder (its .lock is held); wait for it or choose another --out", e.Reason);
        first.Dispose();
        RunLock.Acquire(dir).Dispose();
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ReadLock());
    }

    [Fact]
    public void A_stale_lock_file_left_by_a_dead_process_is_taken_over()
    {
        // A killed run leaves .lock behind with its PID; the OS released its lock when it died.
        File.WriteAllText(Path.Combine(dir, ".lock"), "999999");
        RunLock.Acquire(dir).Dispose();
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ReadLock());
    }

    [Fact]
    public void Train_into_a_folder_another_run_holds_fails_before_touching_it()
    {
        using var held = RunLock.Acquire(dir);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliApp.Run(["train", "--rainy", dir, "--clean", dir, "--out", dir, "--iterations", "2"], stdout, stderr);
        Assert.Equal(1, code);
        Assert.Equal($"error: {dir}: another rgsud process is using this run folder (its .lock is held); wait for it or choose another --out", stderr.ToString().TrimEnd());
        Assert.Equal([".lock"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    private string ReadLock() => File.ReadAllText(Path.Combine(dir, ".lock"));
}
