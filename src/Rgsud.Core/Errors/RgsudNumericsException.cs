namespace Rgsud;

/// <summary>
/// The start-up numerics self-check failed in every configuration Rgsud can use, or training met too many
/// non-finite steps in a row. Training refuses to start (or stops) rather than apply wrong updates.
/// </summary>
public sealed class RgsudNumericsException : RgsudException
{
    /// <summary>Creates the exception.</summary>
    public RgsudNumericsException(string message, Exception? innerException = null) : base(message, innerException) { }
}
