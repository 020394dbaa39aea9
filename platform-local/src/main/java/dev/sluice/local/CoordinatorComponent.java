package dev.sluice.local;

/** The TCC coordinator: one Seata TC, or a Raft group of them. */
interface CoordinatorComponent extends Component {

    /** The launcher argument that points a service at this coordinator. */
    String serviceArgument();
}
