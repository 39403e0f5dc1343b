import ArgumentParser

@main
struct Rewind: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewind",
        abstract: "Teaches and checks libvirt's domain state capture APIs.",
        subcommands: [VerifyCommand.self, CapabilitiesCommand.self, CompatCommand.self, GuestCommand.self, HostCommand.self, LabCommand.self,
                      SiteCommand.self, RecipeCommand.self, BenchCommand.self])
}
