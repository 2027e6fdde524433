namespace Rgsud;

/// <summary>
/// The native libtorch runtime that TorchSharp needs could not be loaded. The message names the missing library
/// and the fix (for example libstdc++ with <c>GLIBCXX_3.4.32</c> on Debian 12).
/// </summary>
public sealed class RgsudNativeException : RgsudException
{
    /// <summary>Creates the exception.</summary>
    public RgsudNativeException(string message, Exception? innerException = null) : base(message, innerException) { }
}
