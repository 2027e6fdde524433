using System.CommandLine;
using System.Globalization;
using Rgsud.Cli.Output;
using Rgsud.Synthesis;

namespace Rgsud.Cli.Commands;

/// <summary>
/// <c>rgsud synth</c>: writes a synthetic deraining set (procedural scenes with rendered rain): unpaired training
/// folders and a paired test set.
/// </summary>
internal static class SynthCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliConsole console)
    {
        var defaults = new SyntheticRainSetOptions();
        var rain = new RainStreakOptions();
        var output = new Option<string>("--out") { Description = "Folder for train-rainy/, train-clean/, test-rainy/, test-clean/.", Required = true };
        var width = new Option<int>("--width") { Description = "Image width in pixels.", DefaultValueFactory = _ => defaults.Width };
        var height = new Option<int>("--height") { Description = "Image height in pixels.", DefaultValueFactory = _ => defaults.Height };
        var trainRainy = new Option<int>("--train-rainy") { Description = "Rainy training images.", DefaultValueFactory = _ => defaults.TrainRainy };
        var trainClean = new Option<int>("--train-clean") { Description = "Clean training images (other scenes).", DefaultValueFactory = _ => defaults.TrainClean };
        var test = new Option<int>("--test") { Description = "Test pairs.", DefaultValueFactory = _ => defaults.TestPairs };
        var seed = new Option<long>("--seed") { Description = "Seed of scenes and rain.", DefaultValueFactory = _ => 0 };
        var density = new Option<double>("--density") { Description = "Streaks per 100x100 pixels.", DefaultValueFactory = _ => rain.Density };
        var angle = new Option<double>("--angle") { Description = "Streak angle from the vertical in degrees (positive: leaning right at the bottom).", DefaultValueFactory = _ => rain.AngleDegrees };
        var angleJitter = new Option<double>("--angle-jitter") { Description = "Per-streak angle jitter in degrees.", DefaultValueFactory = _ => rain.AngleJitterDegrees };
        var length = new Option<double>("--length") { Description = "Mean streak length in pixels.", DefaultValueFactory = _ => rain.Length };
        var streakWidth = new Option<double>("--streak-width") { Description = "Streak width in pixels.", DefaultValueFactory = _ => rain.Width };
        var opacity = new Option<double>("--opacity") { Description = "Mean streak intensity in [0,1].", DefaultValueFactory = _ => rain.Opacity };
        var blur = new Option<double>("--blur") { Description = "Gaussian blur of the rain layer (sigma, pixels).", DefaultValueFactory = _ => rain.Blur };
        var blend = new Option<string>("--blend") { Description = "screen or additive.", DefaultValueFactory = _ => "screen" };
        blend.AcceptOnlyFromAmong("screen", "additive");

        var command = new Command("synth", "Write a synthetic deraining set: procedural scenes with rendered rain (unpaired training folders, paired test set).")
        {
            output, width, height, trainRainy, trainClean, test, seed, density, angle, angleJitter, length, streakWidth, opacity, blur, blend,
        };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(console.Guard(() =>
        {
            var options = new SyntheticRainSetOptions
            {
                Width = parseResult.GetValue(width),
                Height = parseResult.GetValue(height),
                TrainRainy = parseResult.GetValue(trainRainy),
                TrainClean = parseResult.GetValue(trainClean),
                TestPairs = parseResult.GetValue(test),
                Seed = parseResult.GetValue(seed),
                Rain = new RainStreakOptions
                {
                    Density = parseResult.GetValue(density),
                    AngleDegrees = parseResult.GetValue(angle),
                    AngleJitterDegrees = parseResult.GetValue(angleJitter),
                    Length = parseResult.GetValue(length),
                    Width = parseResult.GetValue(streakWidth),
                    Opacity = parseResult.GetValue(opacity),
                    Blur = parseResult.GetValue(blur),
                    Blend = parseResult.GetValue(blend) == "additive" ? RainBlend.Additive : RainBlend.Screen,
                },
            };
            var root = parseResult.GetValue(output)!;
            var paths = SyntheticRainSet.Write(root, options, cancellationToken);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {options.TrainRainy} rainy and {options.TrainClean} clean training images and {options.TestPairs} test pairs ({options.Width}x{options.Height}) into {Path.GetFullPath(root)}"));
            console.Out.WriteLine($"  {paths.TrainRainy}{Environment.NewLine}  {paths.TrainClean}{Environment.NewLine}  {paths.TestRainy}{Environment.NewLine}  {paths.TestClean}");
            return CliApp.Success;
        })));
        return command;
    }
}
