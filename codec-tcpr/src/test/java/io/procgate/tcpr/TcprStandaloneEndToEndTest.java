package io.procgate.tcpr;

/** The contract with the plugin's listeners bound by hand on a real process host. */
class TcprStandaloneEndToEndTest extends TcprEndToEndContract {
    @Override
    TcprServer server(String listeners) {
        return new StandaloneTcprServer(dir.resolve("data"), listeners);
    }
}
