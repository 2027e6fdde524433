namespace Rgsud.Core.Tests.Banks;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class BankTempDirectory : IDisposable
{
    public BankTempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rgsud-bank-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
