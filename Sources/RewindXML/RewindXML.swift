// RewindXML module.
