namespace Rgsud.Synthesis;

/// <summary>How <see cref="RainStreakRenderer"/> puts a rain layer <c>R</c> (values in [0,1]) on an image <c>B</c>.</summary>
public enum RainBlend
{
    /// <summary><c>1 − (1 − B)(1 − R)</c>: brightens like light scattered by drops and never clips (the default).</summary>
    Screen,

    /// <summary><c>clamp(B + R, 0, 1)</c>: the additive model of Rain100L-style synthetic sets.</summary>
    Additive,
}
