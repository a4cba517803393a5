/** The program's monitoring objects under mocks in an update. */
import { describeMonitoredProgram } from "../support/program-monitoring-cases";

describeMonitoredProgram(false);
