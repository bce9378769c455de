// cdktf's Testing matchers (toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, …).
import { Testing } from "cdktf";

Testing.setupJest();
