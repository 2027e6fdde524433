namespace Rgsud.Data;

/// <summary>What training does with an unreadable or unusable image file.</summary>
public enum BadFilePolicy
{
    /// <summary>Skip it with a warning; the count appears in the log and report (default).</summary>
    Skip,

    /// <summary>Stop with the file's <see cref="RgsudImageException"/>.</summary>
    Fail,
}
